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

CHRIS = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
SOUBHIK_POST = "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s"
SOUBHIK = {
    "text": "Excited to be a speaker for the \n@rstatsai conf on Oct 19 @Georgetown! 📈 I'll be "
    "debuting a new version (and applications) of LocalView (localview.net), a local civic "
    "data platform I co-built. Come say hi if you’re around the beltway!✨#rstats #rgov\n\n"
    "rstats.ai/gov.html",
    "created_at": "2023-09-19T11:32:54.574000+00:00",
    "kind": "original",
    "links": ["http://localview.net", "https://rstats.ai/gov.html"],
    "mentions": [],  # "@rstatsai" and "@Georgetown" are plain text: no mention facet
    "hashtags": [],  # nor tag facets for "#rstats #rgov"
    "media": [PHOTO],
    "lang": "en",
    "conversation_id": SOUBHIK_POST,
    "version_key": "bafyreifk6pyilxkm7vcingnkdbzueaftqg54i3al4zbh5p3jy3pryfkc3a",
    "url": "https://bsky.app/profile/soubhikbarari.bsky.social/post/3k7qmjev5lr2s",
}
BENGUINAUDEAU = {
    "handle": "benguinaudeau.bsky.social",
    "display_name": "Benjamin Guinaudeau",
    "bio": "Postdoc @CSMaP_NYU. \n\nPolitics, data science, and hacking stuff in #rstats. \n\n🇫🇷 "
    "in 🇩🇪/🇨🇦 he/him\n\nPrev: PoliSci PhD @UniKonstanz and @Meta CDS\n\nWebsite: "
    "http://benguinaudeau.com",
    "url": None,
    "post_count": 36,
}
FAVSTATS = {
    "handle": "favstats.eu",
    "display_name": "Fabio Votta📊🐧 ",
    "bio": "Computational Communication Scientist #rstats | Postdoc Researcher @UvA_ASCoR | "
    "Blog: favstats.eu |  Running on plant-based fuel 🌱 | he/him",
    "post_count": 506,
}
JBGRUBER = {
    "handle": "jbgruber.bsky.social",
    "display_name": "Johannes B. Gruber",
    "bio": "Senior Researcher @gesis.org // Data Editor @polcommjournal.bsky.social\n\n🔎 "
    "political communication (#polsky + #commsky) with text analysis and #rstats (#opendata "
    "+ #openscience)\n\n🌏 JohannesBGruber.eu\n\n👨‍💻 research software github.com/JBGruber",
    "post_count": 374,
}

BLUESKY: dict[str, dict[str, Any]] = {
    "bluesky/createRecord_error_400_too_long": {
        "error": ["getProfile", "400 InvalidRequest", "Record/text must not be longer"],
    },
    "bluesky/resolveHandle_chriskenny_2025-05": {
        "posts": 0,
        "value": lambda did: did == CHRIS,
    },
    "bluesky/getAuthorFeed_chriskenny_2023-10": {
        "posts": 3,
        "items": {
            # A repost whose reason has no uri/cid: its own row under a made-up key.
            "at://did:plc:eijqdygh72wuei7faamrclpc/app.bsky.feed.post/3kau6tviybe2w"
            f"#repost-by-{CHRIS}": {
                "kind": "repost",
                "text": "",
                "created_at": "2023-10-03T17:17:08.578000+00:00",
                "repost_of_id": "at://did:plc:eijqdygh72wuei7faamrclpc/app.bsky.feed.post/"
                "3kau6tviybe2w",
                "repost_of_account_id": "did:plc:eijqdygh72wuei7faamrclpc",
                "version_key": None,
                "counted": False,
            },
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3kasvzedyyu2r": {
                "text": "Can’t say I expected that to work on the first try, but the AT Protocol "
                "is pretty cool.",
                "kind": "reply",
                "created_at": "2023-10-03T02:53:25.697000+00:00",
                "reply_to_id": "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/"
                "3kasvrt6b372y",
                "reply_to_account_id": CHRIS,
                "conversation_id": "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/"
                "3kasvrt6b372y",
                "referenced": [],  # a self-reply
            },
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3kasvrt6b372y": {
                "text": "Test post from rstats (attempt #1)",
                "created_at": "2023-10-03T02:49:12.980686+00:00",  # microseconds as written
                "lang": None,
                "kind": "original",
            },
        },
    },
    "bluesky/getAuthorFeed_chriskenny_2025-05": {
        "posts": 50,
        "items": {
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3lo7irc7njk2p": {
                "text": "The university accepted my dissertation! So here’s my @typst.app + "
                "@quarto.org template for Harvard GSAS dissertations, now that I know it meets "
                "their formatting standards:\n\ngithub.com/christopherk...",
                "mentions": ["typst.app", "quarto.org"],
                "links": ["https://github.com/christopherkenny/harvard-diss"],
                "media": [],
                "kind": "original",
                "created_at": "2025-05-02T18:54:36.307000+00:00",
            },
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3loagm2phgk2t": {
                "kind": "quote",
                "quote_of_id": "at://did:plc:qnzaaisqa3lafzmtjxt5nt52/app.bsky.feed.post/"
                "3loacnvvpgn22",
                "media": [PHOTO],
                "links": ["https://christophertkenny.com/bskyr/news/index.html"],
                "hashtags": ["rstats"],
                "referenced": [
                    "at://did:plc:qnzaaisqa3lafzmtjxt5nt52/app.bsky.feed.post/3loacnvvpgn22"
                ],
            },
            # Replies whose parent and root are gone (notFoundPost): no context, no crash.
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3l37nwyyv5b2h": {
                "text": "What type of failure are you seeing?",
                "kind": "reply",
                "reply_to_id": "at://did:plc:4szmwdqlabkd37mw7n3tpojq/app.bsky.feed.post/"
                "3l36gxaymic2r",
                "reply_to_account_id": "did:plc:4szmwdqlabkd37mw7n3tpojq",
                "reply_root_id": "at://did:plc:4szmwdqlabkd37mw7n3tpojq/app.bsky.feed.post/"
                "3l36gxaymic2r",
                "referenced": [],
            },
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3ku7fkat3gc2s": {
                "created_at": "2024-06-05T21:01:56.189717+00:00",
                "lang": None,
                "links": ["https://christophertkenny.com/baf"],
                "hashtags": [],  # "#rstats" has no tag facet in this record
                "media": [
                    {
                        "type": "image",
                        "alt": "BAF package logo, reminiscent of the famous crosswalk at "
                        "Abbey Road",
                    }
                ],
            },
            "at://did:plc:hgyzg2hn6zxpqokmp5c2xrdo/app.bsky.feed.post/3krgvybw44u2c"
            f"#repost-by-{CHRIS}": {
                "kind": "repost",
                "created_at": "2024-05-02T22:21:04.679000+00:00",
                "repost_of_account_id": "did:plc:hgyzg2hn6zxpqokmp5c2xrdo",
            },
        },
    },
    "bluesky/getAuthorFeed_andrew.heiss.phd_2025-07": {
        "posts": 25,
        "items": {
            # A repost whose reason carries its own record's uri and cid.
            "at://did:plc:2zcfjzyocp6kapg6jc4eacok/app.bsky.feed.repost/3lt2xuhfe5m2u": {
                "kind": "repost",
                "created_at": "2025-07-03T14:47:28.010000+00:00",
                "repost_of_id": "at://did:plc:tgw3d4hvw3x5ijrxax7lg26u/app.bsky.feed.post/"
                "3lt2vqzjt5c25",
                "repost_of_account_id": "did:plc:tgw3d4hvw3x5ijrxax7lg26u",
                "version_key": "bafyreibwi6p5m55mgfshval7nyof2i4ug7j7cftmq3zxtiiindcdsjkrha",
            },
            "at://did:plc:2zcfjzyocp6kapg6jc4eacok/app.bsky.feed.post/3lt2x2l45ks2s": {
                "text": "It can use any VSCode extension that’s cross listed at openvsx, but "
                "vscode’s ssh and docker extensions are propriety, so the positron people had to "
                "bake in a different extension to get it to work.",
                "kind": "reply",
                "reply_to_id": "at://did:plc:dhwhxgjyh4h2dd5vjgji67mo/app.bsky.feed.post/"
                "3lt2wej65ok2j",
                "reply_root_id": "at://did:plc:2zcfjzyocp6kapg6jc4eacok/app.bsky.feed.post/"
                "3lt2viainvc23",
                "created_at": "2025-07-03T14:32:59.454000+00:00",  # the record's, not indexedAt
            },
            "at://did:plc:2zcfjzyocp6kapg6jc4eacok/app.bsky.feed.post/3lt2vxa4hrk2s": {
                "kind": "quote",
                "quote_of_id": "at://did:plc:7dc2ec7iadso4vahsndlpofu/app.bsky.feed.post/"
                "3lt2r6fac2k2m",
                "text": "you could also try taking nano-retirements every saturday and sunday and "
                "pico-retirements every night\n\n⚠️ but be aware that these also come with career "
                "tradeoffs! ⚠️",
            },
        },
    },
    "bluesky/getListFeed_page2_with_cursor_2025-07": {
        "posts": 24,
        "value": lambda cursor: cursor == "2025-07-03T11:20:03.549Z",
        "items": {
            "at://did:plc:fbfsfme4w4xkhhtaud2luj54/app.bsky.feed.post/3lt3jgozm722h": {
                "kind": "reply",
                "created_at": "2025-07-03T20:01:53.573000+00:00",
                "reply_to_id": "at://did:plc:nxtjxs4l37scbdun2i6jgon7/app.bsky.feed.post/"
                "3lt3iyb7onc2a",
            }
        },
    },
    "bluesky/getPosts_one_uri_2023-10": {
        "posts": 1,
        "missing": {},
        "items": {SOUBHIK_POST: SOUBHIK},
    },
    "bluesky/getPosts_one_uri_2025-05": {
        "posts": 1,
        "missing": {},
        "items": {SOUBHIK_POST: SOUBHIK},
    },
    "bluesky/getPostThread_2025-05": {"posts": 1, "items": {SOUBHIK_POST: SOUBHIK}},
    # The PDS's record (author's key order) reads as the AppView's view does.
    "bluesky/getRecord_post_from_pds_2025-05": {
        "posts": 1,
        "items": {SOUBHIK_POST: {k: v for k, v in SOUBHIK.items() if k != "url"}},
    },
    "bluesky/getPostThread_jbgruber_2025-07": {
        "posts": 2,
        "items": {
            "at://did:plc:ntd53albt5ffa4rgervvgibd/app.bsky.feed.post/3kbi55xm6u62v": {
                "text": "New #rstats package incoming! 🚀\n\nWith the fantastic "
                "@benguinaudeau.bsky.social and @favstats.bsky.social, I introduce: {atr}\n\nA "
                "package to get and post things here on BlueSky!\n\n"
                "jbgruber.github.io/atr/index.html",
                # the handles as written (favstats.bsky.social is favstats.eu today)
                "mentions": ["benguinaudeau.bsky.social", "favstats.bsky.social"],
                "hashtags": ["rstats"],
                "links": ["https://jbgruber.github.io/atr/index.html"],
                "created_at": "2023-10-11T13:27:10.477000+00:00",
            },
            "at://did:plc:ntd53albt5ffa4rgervvgibd/app.bsky.feed.post/3kbi56mwx5j2q": {
                "created_at": "2023-10-11T13:27:33.047000+00:00",
            },
        },
    },
    "bluesky/getQuotes_2025-05": {
        "posts": 2,
        "items": {
            "at://did:plc:3ixxligsafp4u6ghljcoetnm/app.bsky.feed.post/3lc6isqcp6u2y": {
                "kind": "quote",
                "quote_of_id": "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/"
                "3lc5c5qv72r2w",
                "created_at": "2024-11-30T16:20:25.023354+00:00",
                "hashtags": ["rstats"],
                "referenced": [
                    "at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3lc5c5qv72r2w"
                ],
            },
            "at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3lc5d6zspys2c": {
                "kind": "quote",
                # the facets as the author wrote them (a stray quote mark in one), then the card
                "links": [
                    "https://christophertkenny.com/bskyr/'",
                    "https://bsky.app/profile/bskyr.bsky.social/post/3lc5c5qv72r2w",
                    "https://christophertkenny.com/bskyr/",
                ],
                "mentions": ["bskyr.bsky.social"],
                "media": [],
            },
        },
    },
    "bluesky/searchPosts_redistricting_labels_2025-05": {
        "posts": 25,
        "value": lambda cursor: cursor == "25",
        "items": {
            # createdAt with microseconds and a +00:00 offset
            "at://did:plc:qogyzvlh3vivathu2piavvpv/app.bsky.feed.post/3lpii6nwbyt2m": {
                "created_at": "2025-05-19T02:03:20.286393+00:00",
                "kind": "reply",
                "reply_to_id": "at://did:plc:qogyzvlh3vivathu2piavvpv/app.bsky.feed.post/"
                "3lpii6nt4wg2a",
            },
            "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m": {
                "text": "Ends Versus Means: Public Opinion on Congressional Redistricting "
                "https://osf.io/v87fn State-level redistricting processes shape congressional "
                "elections and representation, and recent reform efforts have propelled "
                "congressional redistricting procedures into mainstream political discussion  "
                "#sociology",
                "created_at": "2025-05-19T17:10:09.561858+00:00",
                "links": ["https://osf.io/v87fn"],
                "lang": None,
            },
        },
    },
    "bluesky/getProfiles_chriskenny_2023-10": {
        "profiles": 1,
        "items": {
            CHRIS: {
                "handle": "chriskenny.bsky.social",
                "display_name": "Chris Kenny",
                "bio": "PhD Candidate in Government @Harvard. Studies redistricting in #rstats.",
                "post_count": 0,
            }
        },
    },
    "bluesky/getProfiles_chriskenny_2025-05": {
        "profiles": 1,
        "items": {
            CHRIS: {
                "handle": "chriskenny.bsky.social",
                "bio": "PhD '25 Government @harvard.edu. Studies redistricting in #rstats.\n"
                "https://christophertkenny.com/",
                "url": None,
                "post_count": 65,
            }
        },
    },
    "bluesky/getProfile_benguinaudeau_2025-07": {
        "profiles": 1,
        "items": {"did:plc:vuvsifrusnjsys7mhkpk662u": BENGUINAUDEAU},
    },
    "bluesky/getProfile_favstats.eu_custom_domain_2025-07": {
        "profiles": 1,
        "items": {"did:plc:46yyakot3byghwqc6rhmqzqd": FAVSTATS},
    },
    "bluesky/getProfile_jbgruber_pinnedPost_2025-07": {
        "profiles": 1,
        "items": {"did:plc:ntd53albt5ffa4rgervvgibd": JBGRUBER},
    },
    # 25 actors, three handles repeated: 25 answers in the order asked, three accounts.
    "bluesky/getProfiles_25_actors_with_duplicates_2025-07": {
        "profiles": 3,
        "value": lambda found: (
            [p.handle for p in found]
            == ["favstats.eu", "jbgruber.bsky.social", "benguinaudeau.bsky.social"] * 8
            + ["favstats.eu"]
        ),
        "items": {
            "did:plc:vuvsifrusnjsys7mhkpk662u": BENGUINAUDEAU,
            "did:plc:46yyakot3byghwqc6rhmqzqd": FAVSTATS,
            "did:plc:ntd53albt5ffa4rgervvgibd": JBGRUBER,
        },
    },
}

CHAINSAWRIOT = "109281650341067731"
KATE = "the best editor? why, of course it is the KDE Advanced Text Editor, Kate"
CHAINSAWRIOT_PROFILE = {
    "handle": "chainsawriot@social.tchncs.de",
    "display_name": "chainsawriot",
    "bio": "http://www.chainsawriot.com",
    "url": None,
    "fields": [
        {"name": "Stack", "value": "Linux, emacs, stumpwm, R, git, Firefox", "verified": False},
        {"name": "Research Interests", "value": "I don’t know", "verified": False},
    ],
    "post_count": 22,
    "protected": False,
}
# The 0xba reply of the rtoot thread (social.tchncs.de, in both context recordings).
RTOOT_REPLY = {
    "text": "@0xba https://github.com/schochastics/rtoot",
    "kind": "reply",
    "reply_to_id": "109303309876585639",
    "reply_to_account_id": "260284",
    "mentions": ["0xba"],
    "links": ["https://github.com/schochastics/rtoot"],
    "created_at": "2022-11-07T15:54:18.189000+00:00",
}


def _history(expected: list[tuple[str, str]]):
    def check(history) -> bool:
        from collectors.mastodon import transform_status
        from tests.collectors.recorded import load

        status = load("mastodon/status_after_edit").json
        post = transform_status(status, history)
        return post.edited and [(v.text, v.created_at.isoformat()) for v in post.versions] == [
            *expected
        ]

    return check


MASTODON: dict[str, dict[str, Any]] = {
    "mastodon/account_statuses_moved_account_page1": {
        "posts": 20,
        "items": {
            # A remote mention keeps its server: the h-card shows only "@vanatteveldt".
            "109325780029019263": {
                "text": "Listen to some Dutch @vanatteveldt@sciences.social \n\n"
                "https://www.youtube.com/watch?v=XA9R66bRBaU",
                "mentions": ["vanatteveldt@sciences.social"],
                "links": ["https://www.youtube.com/watch?v=XA9R66bRBaU"],
                "created_at": "2022-11-11T15:03:36.556000+00:00",
            },
            "109324211819375450": {
                "text": "Doppelmoral\n\n@FrankBlack78 Well, the case in point is Copilot.\n\n"
                "https://fossa.com/blog/analyzing-legal-implications-github-copilot/",
                "kind": "reply",
                "reply_to_id": "109321454120884155",
                "reply_to_account_id": "109246821739406092",
                "mentions": ["FrankBlack78"],
                "links": ["https://fossa.com/blog/analyzing-legal-implications-github-copilot/"],
            },
            "109326585201181342": {
                "kind": "repost",
                "text": "",
                "repost_of_id": "109326579741510097",
                "repost_of_account_id": "109302511683595884",
                "created_at": "2022-11-11T18:28:22.510000+00:00",
            },
            "109321432847986685": {
                "text": "Doppelmoral\n\nIf there is an argument to switch from Twitter to Mastodon, "
                "should one (e.g. I) uses the same argument to switch from Github to say... "
                "Codeberg?",
                "created_at": "2022-11-10T20:38:03.838000+00:00",
                "edited": True,
                "version_key": "2022-11-10T20:38:28.154000Z",
            },
            "109315118407397095": {
                "text": "rtoot is the best\n\ntesting in progress, please ignore",
                "media": [{"type": "image", "alt": "rtoot logo"}],
                "edited": False,
                "version_key": "2022-11-09T17:52:13.127000Z",
            },
            "109333002065949660": {
                "text": "Die deutsche Sprache\n\nAlso, I lament about the separable verbs,  "
                'reflexive verbs, and preposition way more than "der, die das".',
                "kind": "reply",
                "reply_to_id": "109332950244519108",
                "reply_to_account_id": CHAINSAWRIOT,
            },
        },
    },
    "mastodon/account_statuses_moved_account_page2": {
        "posts": 20,
        "items": {
            "109303266941599451": {
                "text": "You probably don't know how much work it took to get this far.",
                "media": [PHOTO],
            },
            "109303330123967399": RTOOT_REPLY,
        },
    },
    "mastodon/account_statuses_moved_account_page3_last": {
        "posts": 3,
        "items": {
            "109284692474042815": {
                "text": "@Kudusch no, I didn’t know such feature exists",
                "mentions": ["Kudusch"],
                "reply_to_account_id": "5358",
            }
        },
    },
    "mastodon/account_statuses_pinned": {
        "posts": 1,
        "items": {
            "117020569296803689": {
                "text": "Toot!",
                "created_at": "2026-08-01T13:49:42.878000+00:00",
                "url": "http://localhost:3000/@mastodonpy_test/117020569296803689",
            }
        },
    },
    "mastodon/status_109294719267373593_mastodon.social": {
        "posts": 1,
        "items": {
            "109294719267373593": {
                "text": "Mastodon will update to 4.0 soon! Here are the most exciting new features "
                "(in addition to fixes & changes):\n\n- ability to follow hashtags\n- ability "
                "to filter by language\n- ability to translate posts \n- ability to post HEIC "
                "files (i.e. your iPhone’s native photo format)\n- define user roles (big deal "
                "for admins)\n- define sign-up process on your Instance (admins again)\n\nSee "
                "all changes here: https://github.com/mastodon/mastodon/releases/tag/v4.0.0rc1"
                "\n\nThanks, @Gargron and @Mastodon Team. #Mastodon4",
                "mentions": ["Gargron", "Mastodon"],
                "hashtags": ["Mastodon4"],
                "links": ["https://github.com/mastodon/mastodon/releases/tag/v4.0.0rc1"],
                "created_at": "2022-11-06T03:24:27.042000+00:00",
            }
        },
    },
    # A remote status has a local id; its url (and uri) carry its home server's id.
    "mastodon/status_109298295023649405_remote_seen_locally": {
        "posts": 1,
        "items": {
            "109298295023649405": {
                "url": "https://mstdn.social/@jmadelman/109298294953381855",
                "created_at": "2022-11-06T18:33:47+00:00",
                "links": [
                    "https://open.substack.com/pub/biblioracle/p/the-problem-of-outrage",
                    "https://biblioracle.substack.com/p/the-problem-of-outrage",
                ],
            }
        },
    },
    "mastodon/status_after_edit": {
        "posts": 1,
        "items": {
            "117020586180926938": {
                "text": KATE,
                "created_at": "2026-08-01T13:54:00.505000+00:00",  # created_at stays
                "edited": True,
                "version_key": "2026-08-01T13:54:00.695000Z",
                "lang": "ja",
            }
        },
    },
    "mastodon/history_after_edit_two_versions": {
        "value": _history(
            [("the best editor? why, of course it is VS Code", "2026-08-01T13:54:00.505000+00:00")]
        ),
    },
    "mastodon/history_before_edit_one_version": {"value": _history([])},
    # The plain-text source of the status reads as the HTML content does once converted.
    "mastodon/status_source_after_edit": {"value": lambda source: source["text"] == KATE},
    # The server's "RE: <link>" paragraph is the quote's fallback, not the author's text.
    "mastodon/quote_post_accepted": {
        "posts": 1,
        "items": {
            "117020582925004921": {
                "text": "yoooooooo",
                "kind": "quote",
                "quote_of_id": "117020582917124092",
                "links": [],
            }
        },
    },
    "mastodon/quote_post_revoked": {
        "posts": 1,
        "items": {
            "117020583080889590": {
                "text": "check this mother fucker out",
                "quote_of_id": None,  # revoked: the quoted post is no longer given
                "links": [],
            }
        },
    },
    "mastodon/reblog_wrapper_status": {
        "posts": 1,
        "items": {
            "117020586027094262": {
                "kind": "repost",
                "repost_of_id": "117020586019094258",
                "repost_of_account_id": "117020565966271181",
                "url": "http://localhost:3000/@mastodonpy_test/117020586019094258",
            }
        },
    },
    "mastodon/reply_with_mention": {
        "posts": 1,
        "items": {
            "117020583258292382": {
                "text": "@mastodonpy_test_2 same!",
                "kind": "reply",
                "reply_to_id": "117020583245459824",
                "reply_to_account_id": "117020566092212359",
                "mentions": ["mastodonpy_test_2"],
            }
        },
    },
    "mastodon/status_with_poll_post_response": {
        "posts": 1,
        "items": {"117020582690282017": {"text": "nice", "kind": "original"}},
    },
    "mastodon/timeline_public_local_emacs.ch_polls_edits": {
        "posts": 20,
        "items": {
            "109512719300793343": {
                "text": "Emacs, Guix, Nix\n\nIf you use #emacs on #Guix or #Nix how do you "
                "configure emacs?",
                "hashtags": ["emacs", "guix", "nix"],
                "lang": "es",
            },
            "109512356958578421": {
                "text": "",
                "media": [PHOTO, PHOTO],
                "edited": True,
                "version_key": "2022-12-14T13:55:09.770000Z",
            },
        },
    },
    "mastodon/timeline_tag_remote_statuses_mastodon.social": {
        "posts": 5,
        "items": {
            "109302354165120279": {
                "text": "@elhotzo@mastodon.social \nWissenschaftlicher Mittelbau in a "
                "nutshell\n\n#IchBinHanna",
                "mentions": ["elhotzo@mastodon.social"],  # acct "elhotzo": mastodon.social's view
                "hashtags": ["IchbinHanna"],
                "created_at": "2022-11-07T11:46:01+00:00",
            }
        },
    },
    "mastodon/timeline_public_emacs.ch_filtered_field": {
        "posts": 10,
        "items": {
            "109353023823324523": {"text": "Ben reise vercem arkadaşlar", "lang": "tr"},
            # A Pleroma status: no <p>, a hashtag link with class "hashtag" only.
            "109353013280438553": {
                "text": "Going to afk from my laptop this afternoon and evening, write some notes "
                "and see if I can come up with a nice way to reimplement #Tasky both protocol "
                "wise and also user-end API wise. The latter point is really what matters and "
                "is what I want to implement in a very-nice manner.",
                "links": [],
                "hashtags": ["tasky"],
                "mentions": ["deavmi"],  # the author's own server: written as a local mention
                "created_at": "2022-11-16T10:29:20.891000+00:00",
            },
        },
    },
    "mastodon/context_with_ancestors": {
        "posts": 4,
        "items": {"109303330123967399": RTOOT_REPLY},
    },
    "mastodon/context_without_descendants": {
        "posts": 3,
        "items": {
            "109303309876585639": {
                "text": "@chainsawriot Great job 👍 Where are you heading with this?",
                "reply_to_id": "109303266941599451",
                "reply_to_account_id": CHAINSAWRIOT,
            }
        },
    },
    "mastodon/poll_286799_anonymous": {"value": lambda poll: poll["id"] == "286799"},
    "mastodon/poll_105976_expired_signed_in": {"value": lambda poll: poll["expired"] is True},
    "mastodon/poll_after_votes": {"value": lambda poll: poll["votes_count"] == 2},
    "mastodon/account_109281650341067731_before_move": {
        "profiles": 1,
        "items": {CHAINSAWRIOT: CHAINSAWRIOT_PROFILE},
    },
    "mastodon/account_lookup_local": {
        "profiles": 1,
        "items": {
            "117020457910412882": {
                "handle": "mastodonpy_test@localhost",
                "display_name": None,
                "bio": None,
                "post_count": 0,
                "protected": False,  # locked gates followers, not public posts
            }
        },
    },
    "mastodon/accounts_by_ids": {
        "profiles": 2,
        "items": {
            "117020457910412882": {"handle": "mastodonpy_test@localhost"},
            "117020458041994908": {"handle": "mastodonpy_test_2@localhost"},
        },
    },
    "mastodon/accounts_search_local_and_remote": {
        "profiles": 2,
        "items": {
            CHAINSAWRIOT: CHAINSAWRIOT_PROFILE,
            "44524": {
                "handle": "chainsawriot@mastodon.hk",
                "bio": "陳電鋸/陳仲康, epidemiologist-turn-media-researcher, programmer (#rstats, "
                "#python, #rubylang, λ) PhD candidate at Journalism and Media Studies Centre, HKU",
                "post_count": 179,
            },
        },
    },
    "mastodon/error_401_invalid_token": {
        "error": ["MastodonUnauthorizedError", "401", "The access token is invalid"],
    },
    # A status that cannot exist and one deleted: both are gone for the deletion sweep.
    "mastodon/error_404_not_found_status_0": {"posts": 0, "missing": {"0": "deleted"}},
    "mastodon/error_404_record_not_found_deleted_status": {
        "posts": 0,
        "missing": {"117020606379845323": "deleted"},
    },
    "mastodon/error_422_localized_validation": {"error": ["MastodonAPIError", "422"]},
}
