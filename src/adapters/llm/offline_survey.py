"""Offline post-service surveys: fixed questions per language (en/es/fr/de/pt)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.llm.offline_wording import shorten, template_language, written_in

SURVEYS: dict[str, dict[str, str]] = {
    "en": {
        "title": "How did we do, {name}?",
        "intro": "Thank you for choosing {shop} for your {appliance}{date}. Answering takes "
        "a minute and helps us improve.",
        "overall": "How satisfied are you with the service overall?",
        "technician": "How would you rate {technician}?",
        "fixed": "Is your {appliance} working properly now?",
        "on_time": "Did we arrive on time?",
        "comments": "Is there anything we could have done better?",
        "our_technician": "our technician",
        "appliance": "appliance",
    },
    "es": {
        "title": "¿Qué tal lo hicimos, {name}?",
        "intro": "Gracias por elegir {shop} para su {appliance}{date}. Responder lleva un "
        "minuto y nos ayuda a mejorar.",
        "overall": "En general, ¿qué tan satisfecho/a está con el servicio?",
        "technician": "¿Cómo valoraría a {technician}?",
        "fixed": "¿Su {appliance} funciona correctamente ahora?",
        "on_time": "¿Llegamos a tiempo?",
        "comments": "¿Hay algo que podríamos haber hecho mejor?",
        "our_technician": "nuestro técnico",
        "appliance": "electrodoméstico",
    },
    "fr": {
        "title": "Comment s'est passée notre intervention, {name} ?",
        "intro": "Merci d'avoir choisi {shop} pour votre {appliance}{date}. Répondre prend "
        "une minute et nous aide à nous améliorer.",
        "overall": "Dans l'ensemble, êtes-vous satisfait(e) du service ?",
        "technician": "Comment évalueriez-vous {technician} ?",
        "fixed": "Votre {appliance} fonctionne-t-il correctement maintenant ?",
        "on_time": "Sommes-nous arrivés à l'heure ?",
        "comments": "Y a-t-il quelque chose que nous aurions pu mieux faire ?",
        "our_technician": "notre technicien",
        "appliance": "appareil",
    },
    "de": {
        "title": "Wie zufrieden waren Sie, {name}?",
        "intro": "Danke, dass Sie {shop} für Ihr Gerät ({appliance}){date} gewählt haben. Die "
        "Antworten dauern eine Minute und helfen uns, besser zu werden.",
        "overall": "Wie zufrieden sind Sie insgesamt mit dem Service?",
        "technician": "Wie bewerten Sie {technician}?",
        "fixed": "Funktioniert Ihr Gerät ({appliance}) jetzt einwandfrei?",
        "on_time": "Waren wir pünktlich?",
        "comments": "Was hätten wir besser machen können?",
        "our_technician": "unseren Techniker",
        "appliance": "Gerät",
    },
    "pt": {
        "title": "Como foi o nosso serviço, {name}?",
        "intro": "Obrigado por escolher a {shop} para o seu {appliance}{date}. Responder leva "
        "um minuto e nos ajuda a melhorar.",
        "overall": "De modo geral, qual é a sua satisfação com o serviço?",
        "technician": "Como você avaliaria {technician}?",
        "fixed": "O seu {appliance} está funcionando corretamente agora?",
        "on_time": "Chegamos no horário?",
        "comments": "Há algo que poderíamos ter feito melhor?",
        "our_technician": "o nosso técnico",
        "appliance": "eletrodoméstico",
    },
}


def survey(g: Mapping[str, Any]) -> dict[str, Any]:
    lang = template_language(g["language"])
    table = SURVEYS[lang]
    job, tech, appliance = g["job"], g.get("technician"), g.get("appliance")
    appliance_name = appliance["type"] if appliance else job.get("appliance") or table["appliance"]
    done = job.get("completionDate")
    fields = {
        "name": g["customer"]["name"],
        "shop": g["shopName"],
        "appliance": appliance_name,
        "date": f" ({done})" if done else "",
        "technician": tech["name"] if tech else table["our_technician"],
    }
    questions = [
        ("overall", "rating"),
        ("technician", "rating"),
        ("fixed", "yes_no"),
        ("on_time", "yes_no"),
        ("comments", "text"),
    ]
    return {
        "language": written_in(g["language"]),
        "title": shorten(table["title"].format(**fields)),
        "intro": shorten(table["intro"].format(**fields)),
        "questions": [
            {"id": qid, "text": shorten(table[qid].format(**fields)), "kind": kind}
            for qid, kind in questions
        ],
    }
