"""Use cases of fieldcrm and the ports they need; no framework imports here."""
