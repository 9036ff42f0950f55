"""A faithful local Twilio: run any TwiML app's calls without a phone or the internet."""
