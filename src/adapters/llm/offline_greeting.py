"""Offline greetings: a fixed template per occasion in en/es/fr/de/pt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.llm.offline_wording import shorten, template_language, written_in

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
    lang = template_language(g["language"])
    table = GREETINGS[lang]
    job = g.get("job") or {}
    text = table[g["occasion"]].format(
        shop=g["shopName"],
        name=g["customer"]["name"],
        appliance=job.get("appliance") or table["appliance"],
        years=g.get("years") or 1,
    )
    return {"language": written_in(g["language"]), "text": shorten(text, 1000)}
