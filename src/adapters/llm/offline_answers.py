"""Deterministic answers built only from the grounding data (no model, no network)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.maintenance import estimate_due

Builder = Callable[[Mapping[str, Any]], dict[str, Any]]


def timeline_summary(g: Mapping[str, Any]) -> dict[str, Any]:
    customer, jobs, fin = g["customer"], g["jobs"], g["financials"]
    completed = [j for j in jobs if j["status"] == "COMPLETED"]
    counts = g.get("counts", {})
    parts = [
        f"{customer['name']} has been a customer since {customer['customerSince']}.",
        f"The shop has {counts.get('jobs', len(jobs))} job(s) on record for them, "
        f"{len(completed)} of the {len(jobs)} most recent completed.",
        f"They have paid {fin['revenue']} {fin['currency']} against {fin['expenses']} "
        f"{fin['currency']} of related expenses (net {fin['net']} {fin['currency']}).",
    ]
    if jobs:
        latest = jobs[0]
        parts.append(
            f"The latest job (#{latest['id']}, {latest['status'].lower()}) was: "
            f"{latest['description']}."
        )
    ratings = [r["rating"] for r in g.get("reviews", [])]
    if ratings:
        parts.append(f"Average review rating: {sum(ratings) / len(ratings):.1f} of 5.")
    highlights = [f"Job #{j['id']}: {j['description']}" for j in jobs[:3]]
    sources = [f"customer:{customer['id']}", *(f"job:{j['id']}" for j in jobs[:10])]
    return {"summary": " ".join(parts), "highlights": highlights, "sources": sources}


BUILDERS: dict[str, Builder] = {"timeline_summary": timeline_summary}


# --- shared -------------------------------------------------------------------------------

SHORT = 500
LANGUAGES = ("en", "es", "fr", "de", "pt")
PRIORITY_FIRST = ("PHONE", "EMAIL", "SMS", "WHATSAPP")


def _short(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _language(tag: str) -> str:
    """The builder's language for a BCP 47 tag: its primary subtag when the tables have it,
    else English."""
    base = tag.split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def _written_in(tag: str) -> str:
    """The tag to report: the customer's own when the tables cover it, else "en"."""
    return tag if _language(tag) != "en" or tag.lower().startswith("en") else "en"


# --- follow-up suggestions ----------------------------------------------------------------


def followup_suggestions(g: Mapping[str, Any]) -> dict[str, Any]:
    customer, contact = g["customer"], g["contact"]
    today = date.fromisoformat(g["today"])
    reachable = contact["reachableChannels"]
    channel = contact["preferredContactMethod"] or next(
        (c for c in PRIORITY_FIRST if c in reachable), "PHONE"
    )
    soon = f"{today.isoformat()}T10:00:00"
    later = f"{(today + timedelta(days=1)).isoformat()}T10:00:00"
    out: list[dict[str, Any]] = []

    def add(action: str, reason: str, priority: str, sources: list[str]) -> None:
        out.append(
            {
                "action": _short(action),
                "reason": _short(reason),
                "channel": channel,
                "suggested_time": soon if priority == "high" else later,
                "priority": priority,
                "sources": sources,
            }
        )

    for f in g["followUps"]:
        rating = f["satisfactionRating"]
        if rating is not None and rating <= 2:
            add(
                f"Call back about the low satisfaction on follow-up #{f['id']} (job #{f['jobId']})",
                f"The customer rated their satisfaction {rating} of 5.",
                "high",
                [f"follow_up:{f['id']}", f"job:{f['jobId']}"],
            )
        elif f["status"] in ("PENDING", "SCHEDULED"):
            add(
                f"Complete follow-up #{f['id']} for job #{f['jobId']}",
                f"The follow-up is still {f['status'].lower()}.",
                "high",
                [f"follow_up:{f['id']}", f"job:{f['jobId']}"],
            )
    for r in g["reviews"]:
        if r["rating"] <= 2:
            add(
                f"Reach out about the {r['rating']}-star review of job #{r['jobId']}",
                "A low rating deserves a personal answer.",
                "high",
                [f"review:{r['id']}", f"job:{r['jobId']}"],
            )
    reviewed = {r["jobId"] for r in g["reviews"]}
    for j in g["jobs"]:
        if j["status"] == "COMPLETED" and j["id"] not in reviewed:
            add(
                f"Ask for a review of job #{j['id']}",
                "The job is completed and has no review yet.",
                "medium",
                [f"job:{j['id']}"],
            )
            break
    for j in g["jobs"]:
        if j["status"] == "SCHEDULED" and j["scheduledFor"][:10] >= today.isoformat():
            add(
                f"Confirm the appointment for job #{j['id']} on {j['scheduledFor'][:10]}",
                "An upcoming visit is best confirmed the day before.",
                "medium",
                [f"job:{j['id']}"],
            )
    for a in g["appliances"]:
        last = a["lastServiceDate"]
        if last is None or date.fromisoformat(last) < today - timedelta(days=365):
            when = f"last serviced {last}" if last else "no service on record"
            add(
                f"Offer a maintenance visit for the {a['type']} (appliance #{a['id']})",
                f"The appliance has {when}.",
                "low",
                [f"appliance:{a['id']}"],
            )
    if not out:
        add(
            f"Check in with {customer['name']}",
            "Nothing is pending; a friendly check-in keeps the relationship warm.",
            "low",
            [f"customer:{customer['id']}"],
        )
    order = {"high": 0, "medium": 1, "low": 2}
    out.sort(key=lambda s: order[s["priority"]])
    return {"suggestions": out[:5]}


# --- greeting -----------------------------------------------------------------------------

GREETINGS: dict[str, dict[str, str]] = {
    "en": {
        "NEW_CUSTOMER_WELCOME": "Welcome to {shop}, {name}! Thank you for choosing us. If any "
        "of your appliances needs attention, we are here to help.",
        "THANK_YOU": "Thank you, {name}, for trusting {shop} with your {appliance}. We hope "
        "everything works perfectly; let us know if you need anything else.",
        "SERVICE_ANNIVERSARY": "Happy anniversary, {name}! It has been {years} year(s) since "
        "our first visit. Thank you for staying with {shop}.",
        "SEASONAL_MAINTENANCE": "Hello {name}, the new season is a good time for a maintenance "
        "check of your appliances. {shop} will gladly schedule a visit.",
        "appliance": "appliance",
    },
    "es": {
        "NEW_CUSTOMER_WELCOME": "¡Bienvenido/a a {shop}, {name}! Gracias por elegirnos. Si "
        "alguno de sus electrodomésticos necesita atención, estamos aquí para ayudarle.",
        "THANK_YOU": "Gracias, {name}, por confiar en {shop} para su {appliance}. Esperamos que "
        "todo funcione perfectamente; avísenos si necesita algo más.",
        "SERVICE_ANNIVERSARY": "¡Feliz aniversario, {name}! Han pasado {years} año(s) desde "
        "nuestra primera visita. Gracias por seguir con {shop}.",
        "SEASONAL_MAINTENANCE": "Hola, {name}: la nueva temporada es un buen momento para "
        "revisar sus electrodomésticos. En {shop} le programamos una visita con gusto.",
        "appliance": "electrodoméstico",
    },
    "fr": {
        "NEW_CUSTOMER_WELCOME": "Bienvenue chez {shop}, {name} ! Merci de nous avoir choisis. "
        "Si l'un de vos appareils a besoin d'attention, nous sommes là pour vous aider.",
        "THANK_YOU": "Merci, {name}, d'avoir confié votre {appliance} à {shop}. Nous espérons "
        "que tout fonctionne parfaitement ; contactez-nous si besoin.",
        "SERVICE_ANNIVERSARY": "Joyeux anniversaire, {name} ! Cela fait {years} an(s) depuis "
        "notre première intervention. Merci de votre fidélité à {shop}.",
        "SEASONAL_MAINTENANCE": "Bonjour {name}, la nouvelle saison est le bon moment pour "
        "l'entretien de vos appareils. {shop} planifiera volontiers une visite.",
        "appliance": "appareil",
    },
    "de": {
        "NEW_CUSTOMER_WELCOME": "Willkommen bei {shop}, {name}! Danke, dass Sie sich für uns "
        "entschieden haben. Wenn eines Ihrer Geräte Hilfe braucht, sind wir für Sie da.",
        "THANK_YOU": "Danke, {name}, dass Sie {shop} Ihr Gerät ({appliance}) anvertraut haben. "
        "Wir hoffen, alles funktioniert einwandfrei; melden Sie sich gern.",
        "SERVICE_ANNIVERSARY": "Alles Gute zum Jubiläum, {name}! Seit unserem ersten Besuch "
        "sind {years} Jahr(e) vergangen. Danke für Ihre Treue zu {shop}.",
        "SEASONAL_MAINTENANCE": "Hallo {name}, die neue Saison ist ein guter Zeitpunkt für "
        "eine Wartung Ihrer Geräte. {shop} vereinbart gern einen Termin.",
        "appliance": "Gerät",
    },
    "pt": {
        "NEW_CUSTOMER_WELCOME": "Bem-vindo(a) à {shop}, {name}! Obrigado por nos escolher. Se "
        "algum dos seus eletrodomésticos precisar de atenção, estamos aqui para ajudar.",
        "THANK_YOU": "Obrigado, {name}, por confiar à {shop} o seu {appliance}. Esperamos que "
        "tudo esteja funcionando perfeitamente; avise-nos se precisar de algo.",
        "SERVICE_ANNIVERSARY": "Feliz aniversário, {name}! Já se passaram {years} ano(s) desde "
        "a nossa primeira visita. Obrigado por continuar com a {shop}.",
        "SEASONAL_MAINTENANCE": "Olá, {name}! A nova estação é um bom momento para a "
        "manutenção dos seus eletrodomésticos. A {shop} agenda uma visita com prazer.",
        "appliance": "eletrodoméstico",
    },
}


def greeting(g: Mapping[str, Any]) -> dict[str, Any]:
    """A fixed template per occasion in en/es/fr/de/pt; any other language gets English
    (and says so in `language`)."""
    lang = _language(g["language"])
    table = GREETINGS[lang]
    job = g.get("job") or {}
    text = table[g["occasion"]].format(
        shop=g["shopName"],
        name=g["customer"]["name"],
        appliance=job.get("appliance") or table["appliance"],
        years=g.get("years") or 1,
    )
    return {"language": _written_in(g["language"]), "text": _short(text, 1000)}


# --- sentiment ----------------------------------------------------------------------------

# A tiny lexicon (en/es/fr/de/pt), enough for a deterministic offline answer.
_POSITIVE = """
great excellent good friendly fast quick professional helpful recommend thanks thank happy
perfect polite clean amazing fixed punctual satisfied love wonderful excelente bueno rápido
amable gracias genial parfait merci rapide super gut danke schnell freundlich ótimo obrigado
obrigada
"""
_NEGATIVE = """
bad poor late rude slow expensive broken terrible awful dirty unhappy disappointed worst
problem leaking leak again never overpriced unprofessional noisy still malo lento caro roto
mauvais cher lent schlecht teuer langsam ruim
"""
POSITIVE_WORDS = frozenset(_POSITIVE.split())
NEGATIVE_WORDS = frozenset(_NEGATIVE.split())
WORD = re.compile(r"[^\W\d_]+")


def text_score(text: str | None) -> float | None:
    """(positive - negative) / (positive + negative) over a small lexicon; None: no signal."""
    if not text:
        return None
    words = [w.lower() for w in WORD.findall(text)]
    pos = sum(w in POSITIVE_WORDS for w in words)
    neg = sum(w in NEGATIVE_WORDS for w in words)
    return (pos - neg) / (pos + neg) if pos + neg else None


def rating_score(rating: int | None) -> float | None:
    """1 -> -1, 2 -> -0.5, 3 -> 0, 4 -> 0.5, 5 -> 1."""
    return None if rating is None else (rating - 3) / 2


def _label(score: float) -> str:
    return "positive" if score > 0.25 else "negative" if score < -0.25 else "neutral"


def sentiment(g: Mapping[str, Any]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for item in g["items"]:
        signals = [
            s for s in (rating_score(item["rating"]), text_score(item["text"])) if s is not None
        ]
        score = round(sum(signals) / len(signals), 3) if signals else 0.0
        results.append({"item_id": item["itemId"], "label": _label(score), "score": score})
    if not results:
        return {
            "label": "neutral",
            "score": 0.0,
            "items": [],
            "summary": "No reviews, ratings or feedback on record.",
        }
    overall = round(sum(r["score"] for r in results) / len(results), 3)
    labels = [r["label"] for r in results]
    mixed = "positive" in labels and "negative" in labels and abs(overall) < 0.5
    counts = {name: labels.count(name) for name in ("positive", "neutral", "negative")}
    return {
        "label": "mixed" if mixed else _label(overall),
        "score": overall,
        "items": results,
        "summary": f"{len(results)} item(s): {counts['positive']} positive, "
        f"{counts['neutral']} neutral, {counts['negative']} negative.",
    }


# --- profitability ------------------------------------------------------------------------


def profitability(g: Mapping[str, Any]) -> dict[str, Any]:
    fin, payments, expenses = g["financials"], g["payments"], g["expenses"]
    cur = fin["currency"]
    parts = [
        f"Revenue is {fin['revenue']} {cur} from {len(payments)} payment(s) on record; related "
        f"expenses are {fin['expenses']} {cur}, leaving a net of {fin['net']} {cur}."
    ]
    revenue, net = Decimal(fin["revenue"]), Decimal(fin["net"])
    if revenue:
        parts.append(f"That is a margin of {net * 100 / revenue:.1f}%.")
    jobs = [j for j in fin["byJob"] if j["currency"] == cur]
    if jobs:
        best = max(jobs, key=lambda j: (Decimal(j["net"]), -j["jobId"]))
        parts.append(f"Job #{best['jobId']} contributed the most: net {best['net']} {cur}.")
    if expenses:
        top = max(expenses, key=lambda e: (Decimal(e["amount"]), -e["id"]))
        parts.append(
            f"The largest expense is {top['amount']} {top['currency']} ({top['category']})."
        )
    for other in fin["otherCurrencies"]:
        parts.append(
            f"In {other['currency']}: revenue {other['revenue']}, expenses "
            f"{other['expenses']}, net {other['net']}."
        )
    recommendations: list[str] = []
    if not payments:
        recommendations.append("No payments are recorded yet: check for unbilled work.")
    elif net < 0:
        recommendations.append("Expenses exceed revenue: review pricing and parts costs.")
    elif revenue and net * 5 < revenue:
        recommendations.append("The margin is below 20%: review labour and parts pricing.")
    else:
        recommendations.append("The customer is profitable: offer a maintenance plan.")
    if fin["otherCurrencies"]:
        recommendations.append("Payments in several currencies: figures are kept apart.")
    sources = [f"customer:{g['customer']['id']}"]
    sources += [f"payment:{p['id']}" for p in payments[:10]]
    sources += [f"expense:{e['id']}" for e in expenses[:10]]
    return {
        "figures": {
            "currency": cur,
            "revenue": fin["revenue"],
            "expenses": fin["expenses"],
            "net": fin["net"],
        },
        "explanation": " ".join(parts),
        "recommendations": recommendations,
        "sources": sources,
    }


# --- maintenance --------------------------------------------------------------------------


def maintenance(g: Mapping[str, Any]) -> dict[str, Any]:
    """The domain's service interval per appliance kind, from the last service (else the
    installation date)."""
    today = date.fromisoformat(g["today"])
    predictions = []
    for a in g["appliances"]:
        estimate = estimate_due(
            a["type"],
            date.fromisoformat(a["installedOn"]) if a["installedOn"] else None,
            date.fromisoformat(a["lastServiceDate"]) if a["lastServiceDate"] else None,
            today,
        )
        predictions.append(
            {
                "appliance_id": a["applianceId"],
                "due_date": estimate.due.isoformat(),
                "confidence": estimate.confidence,
                "reason": _short(estimate.reason),
                "sources": [
                    f"appliance:{a['applianceId']}",
                    *(f"job:{j['id']}" for j in a["serviceJobs"][:5]),
                ],
            }
        )
    return {"predictions": predictions}


# --- technician match ---------------------------------------------------------------------


def technician_match(g: Mapping[str, Any]) -> dict[str, Any]:
    """The candidates in their deterministic order, explained by their reasons."""
    return {
        "ranking": [
            {
                "technician_id": c["technicianId"],
                "score": c["baseScore"],
                "reason": _short("; ".join(c["reasons"])),
            }
            for c in g["candidates"]
        ]
    }


# --- survey -------------------------------------------------------------------------------

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
    lang = _language(g["language"])
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
        "language": _written_in(g["language"]),
        "title": _short(table["title"].format(**fields)),
        "intro": _short(table["intro"].format(**fields)),
        "questions": [
            {"id": qid, "text": _short(table[qid].format(**fields)), "kind": kind}
            for qid, kind in questions
        ],
    }


BUILDERS.update(
    {
        "followup_suggestions": followup_suggestions,
        "greeting": greeting,
        "sentiment": sentiment,
        "profitability": profitability,
        "maintenance": maintenance,
        "technician_match": technician_match,
        "survey": survey,
    }
)
