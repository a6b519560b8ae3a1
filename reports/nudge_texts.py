"""The words a nudge borrows from the policy, in each language a nudge is written in.

A nudge quotes each rule's clause in one sentence (`checks.policy.Clause.summary`) and one
suggestion (`RuleInfo.instead`). Those are English in the catalogue; a French or Spanish
nudge that switched to English half-way would read as a form letter, so the same sentences
live here in the other languages. Anything missing falls back to the English text, so a new
rule never breaks a nudge; `tests/reports/test_nudge_texts.py` says which translations are
missing.
"""

from __future__ import annotations

from checks.policy import MOTTO, clause
from checks.registry import get_rule

DEFAULT_LANGUAGE = "en"

MOTTOS = {
    "en": MOTTO,
    "fr": "Dans le doute, ne publiez pas.",
    "es": "Si tienes dudas, no lo publiques.",
}

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip

CLAUSE_SUMMARIES: dict[str, dict[str, str]] = {
    "fr": {
        "1": "Indiquez dans votre profil que vous travaillez pour l'organisation et que vos "
        "opinions vous appartiennent.",
        "2": "Trouvez votre propre voix plutôt que de reprendre mot pour mot les messages "
        "officiels.",
        "3": "Faites preuve de discernement : si cela ne vous semble pas juste, ça ne l'est "
        "probablement pas.",
        "4": "Gardez le dialogue : répondez aux questions et saluez les contributions utiles.",
        "5": "Évitez tout ce qui pourrait être diffamatoire ou porter atteinte à l'autorité "
        "de la justice.",
        "6": "Ne faites pas campagne pour un parti ou un candidat depuis un compte lié à "
        "l'organisation.",
        "7": "Ne publiez que ce que vous avez le droit de publier, et respectez la dignité et "
        "la vie privée des personnes sur les photos et vidéos.",
        "8": "Restez professionnel·le face aux personnes en désaccord, et ne réagissez pas à "
        "chaud.",
        "9": "Si vous vous trompez, corrigez ouvertement plutôt que de supprimer.",
        "10": "Certaines personnes cherchent à provoquer : restez calme, prenez du recul et "
        "demandez du soutien à vos collègues.",
        "ok-to-post": "Ne partagez que ce qui a été publié ; attendez la levée d'un embargo.",
        "might-be-problematic": "Parlez-en à votre responsable avant de publier sur une "
        "position encore en attente de validation.",
        "dns-financial": "Ne partagez pas d'informations financières de l'organisation.",
        "dns-people": "Ne partagez pas d'informations sensibles ou confidentielles sur des "
        "personnes.",
        "dns-employee": "Ne partagez pas d'informations sur l'emploi de vos collègues.",
        "dns-internal": "Ne partagez pas de communications internes ni de liens vers des "
        "outils internes.",
        "dns-endorsement": "Ne soutenez pas publiquement de partis politiques ni leurs candidats.",
    },
    "es": {
        "1": "Indica en tu perfil que trabajas para la organización y que tus opiniones son "
        "personales.",
        "2": "Encuentra tu propia voz en lugar de repetir palabra por palabra los mensajes "
        "oficiales.",
        "3": "Usa el sentido común: si algo no te parece bien, probablemente no lo esté.",
        "4": "Mantén la conversación: responde a las preguntas y reconoce las buenas aportaciones.",
        "5": "Evita todo lo que pueda ser difamatorio o constituir desacato al tribunal.",
        "6": "No hagas campaña por un partido o candidato desde una cuenta vinculada a la "
        "organización.",
        "7": "Publica solo lo que tienes permiso para publicar y respeta la dignidad y la "
        "privacidad de las personas en fotos y vídeos.",
        "8": "Mantén la profesionalidad con quien no está de acuerdo y no reacciones en caliente.",
        "9": "Si te equivocas, corrígelo abiertamente en lugar de borrarlo.",
        "10": "Hay quien publica para provocar: mantén la calma, toma distancia y pide apoyo "
        "a tus colegas.",
        "ok-to-post": "Comparte solo lo que ya se ha publicado; espera a que se levante el "
        "embargo.",
        "might-be-problematic": "Consulta con tu responsable antes de publicar sobre "
        "posiciones que aún están pendientes.",
        "dns-financial": "No compartas información financiera de la organización.",
        "dns-people": "No compartas información sensible o confidencial sobre personas.",
        "dns-employee": "No compartas información sobre el empleo de tus colegas.",
        "dns-internal": "No compartas comunicaciones internas ni enlaces a sistemas internos.",
        "dns-endorsement": "No respaldes a partidos políticos ni a sus candidatos.",
    },
}

INSTEAD: dict[str, dict[str, str]] = {
    "fr": {
        "TRN101": "Ajoutez « Opinions personnelles » (ou l'équivalent dans votre langue) à "
        "votre bio.",
        "TRN102": "Indiquez dans votre bio que vous travaillez pour l'organisation.",
        "TRN103": "Remettez la mention « opinions personnelles » dans votre bio.",
        "NPT201": "Retirez le soutien ; parlez des enjeux de droits humains, pas des partis.",
        "NPT202": "Vérifiez que ce partage ne se lit pas comme un soutien à un parti ou à un "
        "candidat.",
        "CNF301": "Retirez le message s'il partage des éléments internes ; en cas de doute, "
        "demandez à l'équipe communication.",
        "CNF302": "Retirez le lien vers l'outil interne.",
        "CNF303": "Ne partagez des chiffres financiers qu'avec un lien vers la source "
        "officielle publiée.",
        "CNF304": "Retirez le message ; la situation professionnelle des collègues est privée.",
        "CNF305": "Retirez les coordonnées personnelles ; ne partagez que les contacts publics "
        "de l'organisation.",
        "EMB401": "Attendez la levée de l'embargo avant d'en parler.",
        "PND402": "Parlez-en à votre responsable avant de publier sur une position en attente.",
        "RSP501": "Reformulez sans insultes ; répondez à l'argument, pas à la personne.",
        "RSP502": "Prenez un moment avant de répondre à un message hostile.",
        "RSP503": "Sortez des échanges tendus et demandez du soutien à vos collègues.",
        "LAW601": "Vérifiez auprès du service juridique avant d'accuser une personne nommée.",
        "LAW602": "Évitez de vous prononcer sur la culpabilité ou l'innocence pendant une "
        "procédure en cours.",
        "CPY701": "Assurez-vous que les personnes montrées ont donné leur accord, ou utilisez "
        "des images officielles.",
        "MST801": "Quand vous vous trompez, publiez une correction plutôt que de supprimer.",
    },
    "es": {
        "TRN101": "Añade «Las opiniones son mías» (o lo mismo en tu idioma) a tu biografía.",
        "TRN102": "Indica en tu biografía que trabajas para la organización.",
        "TRN103": "Vuelve a poner en tu biografía la aclaración de «opiniones personales».",
        "NPT201": "Retira el apoyo; habla de derechos humanos, no de partidos.",
        "NPT202": "Comprueba que compartir esto no se lea como apoyo a un partido o candidato.",
        "CNF301": "Retira la publicación si comparte material interno; ante la duda, pregunta "
        "al equipo de comunicación.",
        "CNF302": "Retira el enlace al sistema interno.",
        "CNF303": "Comparte cifras financieras solo enlazando la fuente oficial publicada.",
        "CNF304": "Retira la publicación; los asuntos laborales de tus colegas son privados.",
        "CNF305": "Retira los datos personales; comparte solo los contactos públicos de la "
        "organización.",
        "EMB401": "Espera a que se levante el embargo antes de publicar sobre ello.",
        "PND402": "Consulta con tu responsable antes de publicar sobre una posición pendiente.",
        "RSP501": "Reformúlalo sin insultos; responde al argumento, no a la persona.",
        "RSP502": "Tómate un momento antes de responder a mensajes hostiles.",
        "RSP503": "Sal de los intercambios acalorados y pide apoyo a tus colegas.",
        "LAW601": "Consulta con el equipo jurídico antes de acusar a una persona con nombre.",
        "LAW602": "Evita pronunciarte sobre la culpabilidad o inocencia mientras un caso siga "
        "abierto.",
        "CPY701": "Asegúrate de que las personas que aparecen dieron su consentimiento, o usa "
        "material oficial.",
        "MST801": "Cuando te equivoques, publica una corrección en lugar de borrar.",
    },
}


def language_of(code: str | None, available: tuple[str, ...] | set[str]) -> str:
    """The template language for a person's `language` ("fr", "fr-CA", "ES_es" -> fr, es).

    Falls back to English when no template exists for that language.
    """
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in available else DEFAULT_LANGUAGE


def clause_summary(key: str, language: str) -> str:
    return CLAUSE_SUMMARIES.get(language, {}).get(key) or clause(key).summary


def instead(code: str, language: str) -> str:
    return INSTEAD.get(language, {}).get(code) or get_rule(code).instead


def motto(language: str) -> str:
    return MOTTOS.get(language, MOTTO)


def month(number: int, language: str) -> str:
    return MONTHS.get(language, MONTHS[DEFAULT_LANGUAGE])[number - 1]
