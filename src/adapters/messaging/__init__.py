"""Message senders: Twilio (SMS, WhatsApp), SMTP (email), the console, and a router."""
