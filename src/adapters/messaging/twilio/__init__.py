"""Twilio: the SMS/WhatsApp sender, its status vocabulary, webhook signatures, TwiML and the
names under which Twilio's inbound messages are recorded. Nothing Twilio-specific lives
outside this package; the application sees `MessageStatus`, plain numbers and channels."""
