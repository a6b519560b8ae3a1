# ruff: noqa: E501 - the expected texts are quoted as posted
"""What the collectors must store from each recorded response, written by reading the JSON.

Keyed by recording (`platform/name`). Each entry gives the number of posts (`posts`) or
profiles (`profiles`) stored, and for chosen items the exact values: text as posted (X
entities decoded, t.co links expanded, the post's own media and quote links taken out;
Mastodon HTML as text), times as the platform gave them, relations, links, mentions, hashtags
and media. Only the fields named are compared; a field given as None must be None.
The values come from reading the recorded bodies (see `../shared/data/recorded/README.md`),
not from running the collectors.
"""

from __future__ import annotations

from typing import Any

PHOTO = {"type": "image", "alt": ""}
VIDEO = {"type": "video", "alt": ""}

X: dict[str, dict[str, Any]] = {
    # tweepy's default fields: id, text and edit_history_tweet_ids only. No created_at: the
    # time is the id's (snowflake) time in whole seconds, as the API gives created_at; no
    # entities: the t.co links stay as written.
    "x/users_783214_tweets_default_fields": {
        "posts": 2,
        "since_id": "1577730467436138524",
        "items": {
            "1577730467436138524": {
                "text": "whoa, it works\n\nnow everyone can mix GIFs, videos, and images in one "
                "Tweet, available on iOS and Android https://t.co/3OQ4eGsUku "
                "https://t.co/LVVolAQPZi",
                "created_at": "2022-10-05T18:40:30+00:00",
                "kind": "original",
                "version_key": "1577730467436138524",
                "edited": False,
            },
            "1565318587736285184": {
                "text": "if you see an edited Tweet it's because we're testing the edit button"
                "\n\nthis is happening and you'll be okay",
                "created_at": "2022-09-01T12:40:08+00:00",
            },
        },
    },
    "x/tweets_lookup_default_fields": {
        "posts": 2,
        "missing": {},
        "items": {
            "1293593516040269825": {
                "text": "It’s finally here! 🥁 Say hello to the new #TwitterAPI.\n\nWe’re rebuilding "
                "the Twitter API v2 from the ground up to better serve our developer "
                "community. And today’s launch is only the beginning.\n\n"
                "https://t.co/32VrwpGaJw https://t.co/KaFSbjWUA8",
                "created_at": "2020-08-12T17:01:42+00:00",
                "links": [],
            },
            "1293595870563381249": {
                "text": "Twitter API v2: Early Access released\n\nToday we announced Early Access to "
                "the first endpoints of the new Twitter API!\n\n#TwitterAPI #EarlyAccess "
                "#VersionBump https://t.co/g7v3aeIbtQ",
                "created_at": "2020-08-12T17:11:04+00:00",
            },
        },
    },
    "x/tweet_1293593516040269825_default_fields": {
        "posts": 1,
        "items": {
            "1293593516040269825": {
                "created_at": "2020-08-12T17:01:42+00:00",
                "kind": "original",
                "version_key": "1293593516040269825",
            }
        },
    },
    "x/user_by_username_Twitter_default_fields": {
        "profiles": 1,
        "items": {
            "783214": {"handle": "Twitter", "display_name": "Twitter", "bio": None, "url": None}
        },
    },
    "x/users_by_usernames_default_fields": {
        "profiles": 2,
        "items": {
            "783214": {"handle": "Twitter", "display_name": "Twitter"},
            "2244994945": {"handle": "TwitterDev", "display_name": "Twitter Dev"},
        },
    },
    "x/users_783214_liked_tweets_default_fields": {
        "posts": 96,
        "items": {
            # Liked retweets come as text only (no referenced_tweets in the default fields).
            "1345434652891373571": {
                "text": "RT @djarinculture: *me rereading my own tweet every time someone likes "
                "it* https://t.co/Q764BDICa9",
                "kind": "original",
            },
            "1158796820627283973": {"text": "@chromaticloud @thankunext327 #FreeDorothy"},
        },
    },
    # 97 ids asked, 92 different; 96 users answered (the duplicates too) and one not found.
    "x/users_lookup_96_ids_with_errors": {
        "profiles": 92,
        "unavailable": {"93071130": "deactivated"},
        "items": {
            "119369819": {
                "handle": "DoDirty78",
                "display_name": "DoDirtysHouse",
                "bio": "Love is the highest form of understanding",
                "url": None,
                "post_count": 55186,
                "protected": False,
            },
            "95500726": {
                "handle": "jduc_hoang",
                "bio": "If you knew me then #IRestMyCase, but the ppl that don’t well... #bitch "
                "#hearted #meanswell #gaysian",
                "url": "http://Facebook.com/johnny.d.hoang",
                "post_count": 697,
            },
            # Bios are not HTML-escaped: a bare "&" stays as written.
            "33292000": {
                "handle": "marcusnoble",
                "bio": "The NHL, MLB, AEW, D&D and MARVEL loving skunk. He/Him NSFW is "
                "@NobleNSFW Icon by @tinybunner Telegram is @MarcusNoble Discord is "
                "MarcusNoble#4826",
            },
        },
    },
    "x/tweet_1388424788171841537_withheld": {
        "posts": 1,
        "items": {
            "1388424788171841537": {
                "text": "When the pandemic first hit “India fought a phony war and—by dumb luck—it "
                "won. Then suddenly, less than three weeks ago, our world turned upside "
                "down” http://econ.st/3u72y2l",
                "created_at": "2021-05-01T09:27:19+00:00",
                "links": ["http://econ.st/3u72y2l"],
                "lang": "en",
                "url": "https://x.com/manavjivan/status/1388424788171841537",
            }
        },
    },
    # An id older than snowflakes: the time is the API's, never one derived from the id.
    "x/tweet_25712847277_pre_snowflake": {
        "posts": 1,
        "items": {
            "25712847277": {
                "text": "Israelis like to build. Arabs like to bomb crap and live in open sewage. "
                "This is not a difficult issue. #settlementsrock",
                "created_at": "2010-09-27T19:06:05+00:00",
                "hashtags": ["settlementsrock"],
                "version_key": "25712847277",
                "edited": False,
            }
        },
    },
    "x/tweet_506695756406095872_reply_to_deleted": {
        "posts": 1,
        "missing": {},
        "items": {
            "506695756406095872": {
                "text": "@ru_yarosh @Barsyaka1 Отлично, этот твит будет служить хорошим "
                "доказательством оккупации Россией Украины.",
                "created_at": "2014-09-02T06:50:56+00:00",
                "kind": "reply",
                "reply_to_id": "506694458445152256",
                "reply_to_account_id": "1272921762",
                "reply_root_id": "506694458445152256",
                "conversation_id": "506694458445152256",
                "mentions": ["Barsyaka1"],
                "lang": "ru",
                "referenced": [],
            }
        },
    },
    "x/tweet_1611077073803841538_cashtags_edit_controls": {
        "posts": 1,
        "items": {
            "1611077073803841538": {
                "text": "Now available with every Trade Ideas subscription. Gain confidence and "
                "learn how to take action in the markets. \nVia:- "
                "http://go.trade-ideas.com/SHHb \n\n#business \n#NFT \n#StockMarket \n$AMD "
                "\n#option \n$BTC \n$TWTR \n$BA \n$doge \n$baba \n$spy \n$SPX $NIO $ETC $META",
                "created_at": "2023-01-05T19:08:01+00:00",
                "links": ["http://go.trade-ideas.com/SHHb"],
                "hashtags": ["business", "NFT", "StockMarket", "option"],
                "media": [PHOTO],
                "version_key": "1611077073803841538",
                "edited": False,
            }
        },
    },
    "x/tweet_1603823063690199040_verified_type": {
        "posts": 1,
        "items": {
            "1603823063690199040": {
                "text": "Testing… Testing… Twitter Dev is back online! 📡\n\nIt’s been a time for "
                "change here at Twitter Dev but we have an important message to share with "
                "you. 🧵",
                "created_at": "2022-12-16T18:43:10+00:00",
                "url": "https://x.com/TwitterDev/status/1603823063690199040",
                "links": [],
            }
        },
    },
    "x/tweet_1577318900085186562_cotweet": {
        "posts": 1,
        "items": {
            "1577318900085186562": {
                "text": "who need they cotwussy tested",
                "created_at": "2022-10-04T15:25:05+00:00",
                "referenced": [],  # the tweet itself in includes.tweets is not context
            }
        },
    },
    "x/tweet_1589681856941002753_retweet_mentions": {
        "posts": 1,
        "items": {
            "1589681856941002753": {
                "text": "",
                "kind": "repost",
                "created_at": "2022-11-07T18:11:04+00:00",
                "repost_of_id": "1589671906718134272",
                "repost_of_account_id": "1221317221714157569",
                "links": [],
            }
        },
    },
    "x/tweet_1610692575752601600_reply_unwound_url": {
        "posts": 1,
        "items": {
            "1610692575752601600": {
                "text": "P.S. If you're interested in learning web design - check out my latest web "
                "design ebook\n\n🎁 340+ pages, UI kits, Practice files, freelance documents, "
                "design framework, and much more! 🎁\n\nGrab it 35% OFF this week only👇\n"
                "https://uiadrian.gumroad.com/l/web-design-guide/?offer_code=twk0uc9f7",
                "kind": "reply",
                "reply_to_id": "1610623087061471232",
                "reply_to_account_id": "1328271312628936705",
                "conversation_id": "1610623087061471232",
                "links": ["https://uiadrian.gumroad.com/l/web-design-guide/?offer_code=twk0uc9f7"],
                "referenced": [],  # a self-reply: the parent is the author's own
            }
        },
    },
    # The media's t.co link is the tail of the text: it is the media, not a link.
    "x/tweet_1558553189766631429_video": {
        "posts": 1,
        "items": {
            "1558553189766631429": {
                "text": "She's GOING with it! 🐍",
                "created_at": "2022-08-13T20:36:51+00:00",
                "links": [],
                "media": [VIDEO],
                "url": "https://x.com/IgorBrigadir/status/1558553189766631429",
            }
        },
    },
    "x/tweet_1249702384659554308_geo_coordinates": {
        "posts": 1,
        "items": {
            "1249702384659554308": {
                "text": "Za co lubicie Harry'ego?#harrypotterdiy #harrypotterandphilosophersstone "
                "#potterhead #harrypotter #philosopherstone #czasnaczytanie #zostańwdomu "
                "#zostanwdomu #magic #harrypotter #funkopop #bookpile #bookstagram… "
                "https://www.instagram.com/p/B-7ItQwBJ93/?igshid=187dqx4b5lu2y",
                "created_at": "2020-04-13T14:14:01+00:00",
                "lang": "pl",
                "links": ["https://www.instagram.com/p/B-7ItQwBJ93/?igshid=187dqx4b5lu2y"],
            }
        },
    },
    "x/tweet_1501963039859363843_geo_place_reply": {
        "posts": 1,
        "items": {
            "1501963039859363843": {
                "text": "@j2bryson @Twitter Most tweets don't have location anymore - and the ones "
                'that do, would have a "Place" not exact coordinates, like this one, from '
                "Berlin, which can be manually set. In the v2 Academic Access you need to "
                "specify Fields & Expansions, twarc does it for you: "
                "https://twarc-project.readthedocs.io/en/latest/twarc2_en_us/",
                "kind": "reply",
                "reply_to_id": "1501958949863661574",
                "reply_to_account_id": "2919151",
                "mentions": ["j2bryson", "Twitter"],
                "referenced_texts": {
                    "1501958949863661574": "Does @twitter no longer allow academics to access "
                },
            }
        },
    },
    "x/tweet_1656684087061381121_video_variants": {
        "posts": 1,
        "items": {
            "1656684087061381121": {
                "text": "Emmanuel Macron annonce une réforme des critères d'attribution du bonus "
                'automobile: "En gros, on va soutenir les véhicules produits en Europe"',
                "created_at": "2023-05-11T15:34:00+00:00",
                "media": [VIDEO],
                "links": [],
            }
        },
    },
    # The account hidden for an hour: the notice replaces every text (stored as such).
    "x/search_from_mariambarghouti_account_unavailable": {
        "posts": 100,
        "since_id": "1392220189706657804",
        "items": {
            "1392059378782642183": {
                "text": "@MariamBarghouti's account is temporarily unavailable because it violates "
                "the Twitter Media Policy. Learn more.",
                "kind": "quote",
                "quote_of_id": "1392039762404511744",
                "created_at": "2021-05-11T10:09:53+00:00",
            },
            "1392093222600589315": {"media": [PHOTO, PHOTO], "kind": "original"},
        },
    },
    "x/search_from_mariambarghouti_restored": {
        "posts": 100,
        "since_id": "1392238204925906946",
        "items": {
            "1392238204925906946": {
                "text": "We’re back.",
                "created_at": "2021-05-11T22:00:29+00:00",
                "url": "https://x.com/MariamBarghouti/status/1392238204925906946",
            },
            "1392172798114684928": {
                "kind": "repost",
                "text": "",
                "repost_of_id": "1392166361103691776",
                "repost_of_account_id": "110396781",
            },
            "1392093222600589315": {
                "text": "This is not a question to ask, @CNN we also haven’t forgotten that you let "
                "@marclamonthill go for choosing to not use a discourse that is oppressive "
                "and frankly, cowardly. You are coercing a 22 year old to basically say "
                "they’re inciting rather than explain why there are protests.",
                "media": [PHOTO, PHOTO],
                "links": [],
                "mentions": ["CNN", "marclamonthill"],
            },
            # A quote's link is https://twitter.com/<user>/status/<id>: the quote, not text.
            "1392059378782642183": {
                "text": "🔥🙏🏽🙏🏽🙏🏽🙏🏽",
                "kind": "quote",
                "quote_of_id": "1392039762404511744",
                "links": [],
            },
            "1391900143176327169": {
                "text": "@KhaledBeydoun They busy being authoritarian leaders. It’s okay, we don’t "
                "need that kind of negative energy.",
                "kind": "reply",
                "reply_to_id": "1391899066431311872",
                "reply_to_account_id": "2163076560",
                "reply_root_id": "1391899066431311872",
                "mentions": ["KhaledBeydoun"],
            },
            "1391890381923618816": {
                "text": "“This is Zionist settler colonialism, where if one settler does not take "
                "our homes, another settler will..We do not need more empty both "
                "sides-isms, we need solidarity to overcome apartheid” @4noura & I came "
                "together for this piece on what’s happening home "
                "https://www.washingtonpost.com/opinions/2021/05/10/israel-sheikh-jarrah-"
                "palestinians-jerusalem-violence-evictions-settlers/",
                "links": [
                    "https://www.washingtonpost.com/opinions/2021/05/10/israel-sheikh-jarrah-"
                    "palestinians-jerusalem-violence-evictions-settlers/"
                ],
            },
            "1390853469012205569": {
                "text": "This tweet trying to equate “both” is so disturbing. \nIsraeli police "
                "injured 208+ Palestinians in less than 24 hrs, 88!have been hospitalized, "
                "some have permanent eye damage b/c the police are targeting the heads, oh "
                "& the trapped children who had stun grenades thrown at them",
                "kind": "quote",
                "quote_of_id": "1390736170695462914",
                "links": [],
            },
            # A self-reply with the author's own video.
            "1390729031243419649": {
                "text": "#SaveSheikhJarrah 2/2",
                "kind": "reply",
                "reply_to_id": "1390728971780829189",
                "reply_to_account_id": "250858058",
                "media": [VIDEO],
                "links": [],
                "hashtags": ["SaveSheikhJarrah"],
            },
        },
    },
    "x/search_recent_brexit_with_poll": {
        "posts": 100,
        "items": {
            "1440716848299872269": {
                "text": "Id rather have had Billions in Debt & owned something like Corbyns Labour "
                "offered than the Billions in debt we currently have going to "
                "CEO's,Shareholders & Tory pals.\nOh you pensioners who voted #Tories dont "
                "complain its cold this winter #COVID19 #BorisTheLiar #BrexitTax #Brexit",
                "created_at": "2021-09-22T16:37:18+00:00",
                "hashtags": ["Tories", "COVID19", "BorisTheLiar", "BrexitTax", "Brexit"],
            },
            "1440716745577140229": {
                "text": "@AndrewKnight226 #FuckBrexit #BrexitSucks I wonder what do those imbeciles "
                "who voted for #Brexit think now about #BrexitDisaster #BrexitChaos "
                "#Brexitshortages!… Well, donkeys CAN’T think, but at least they feel "
                "#hunger!… 😜 Sadly, not only #Brexit donkeys suffer!.. You can always "
                "return!… 🇪🇺✊🏻",
                "kind": "reply",
                "media": [VIDEO],  # an animated GIF
                "links": [],
            },
            "1440716856763977732": {
                "kind": "repost",
                "text": "",
                "repost_of_id": "1440713161355583489",
                "repost_of_account_id": "711945679",
            },
            "1440715975020584960": {
                "text": "And @AngelaRayner & #NicolaSturgeon blame #Brexit..🤣🤣🤣!",
                "kind": "quote",
                "quote_of_id": "1440660748275834882",
                "links": [],
                "mentions": ["AngelaRayner"],
            },
            # Three photos and a quote: both links are the post's own, neither is text.
            "1440713966649417731": {
                "text": "This is my supplier! 😬💀\n\nThe email I've received explicitly blames a "
                "range of factors. Chief among them are the bad decisions of "
                "@KwasiKwarteng, @beisgovuk and @ofgem, but #Brexit and the Suez Canal "
                "were also named. \n\nThe #GasCrisis proves that privatised energy isn't "
                "working.",
                "kind": "quote",
                "quote_of_id": "1440670794103754762",
                "links": [],
                "media": [
                    {
                        "type": "image",
                        "alt": "A long email from Green Energy - please request full text "
                        "if required.",
                    },
                    PHOTO,
                    PHOTO,
                ],
            },
        },
    },
    "x/search_recent_errors_field_authorization": {
        "posts": 100,
        "items": {
            "1483436826094354434": {
                "text": "@NARIZROJAAC y @_CarlosRivera  te invitan a la #MegaColecta para apoyar a "
                "los niños con cáncer de Tlaxcala  #NuncaPierdasLaFe #Dona            \n\n"
                "BBVA Bancomer\nCuenta: 0110098078\nClabe: 012320001100980784\nCampeones de "
                "la vida NR AC / PayPal : http://bit.ly/3nwIAws",
                "links": ["http://bit.ly/3nwIAws"],
                "media": [PHOTO],
                "mentions": ["NARIZROJAAC", "_CarlosRivera"],
            },
            "1483436698646183936": {
                "text": "Zero randomized trials on smoking and lung cancer, either, you twit.",
                "kind": "quote",
                "quote_of_id": "1482760622890786818",
                "links": [],
            },
        },
    },
}
