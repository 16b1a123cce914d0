"""The maintenance reminder's text in the customer's language (en, es, fr, de, pt).

A customer whose language is none of the five gets English, and the message records the
language it was actually written in (`en`), so the office sees the fallback.
"""

from __future__ import annotations

REMINDERS: dict[str, str] = {
    "en": "Hi {name}, your {what} is due for maintenance around {due}. Reply to book a visit "
    "with {shop}. Reply STOP to opt out.",
    "es": "Hola, {name}: su {what} necesita mantenimiento hacia el {due}. Responda para "
    "reservar una visita con {shop}. Responda STOP para no recibir más mensajes.",
    "fr": "Bonjour {name}, votre {what} doit être entretenu vers le {due}. Répondez pour "
    "réserver une visite avec {shop}. Répondez STOP pour ne plus recevoir de messages.",
    "de": "Hallo {name}, Ihr Gerät ({what}) ist um den {due} zur Wartung fällig. Antworten "
    "Sie, um einen Termin mit {shop} zu vereinbaren. Antworten Sie STOP zum Abmelden.",
    "pt": "Olá {name}, o seu {what} precisa de manutenção por volta de {due}. Responda para "
    "marcar uma visita com {shop}. Responda STOP para deixar de receber mensagens.",
}


def reminder_language(tag: str) -> str:
    """The language the reminder is written in: the tag's primary subtag when it is one of
    the five, else "en" (the fallback)."""
    base = tag.split("-", 1)[0].lower()
    return base if base in REMINDERS else "en"


def reminder_wording(tag: str, name: str, what: str, due: str, shop: str) -> tuple[str, str]:
    """(language written in, text) of a maintenance reminder for a customer speaking `tag`."""
    language = reminder_language(tag)
    return language, REMINDERS[language].format(name=name, what=what, due=due, shop=shop)
