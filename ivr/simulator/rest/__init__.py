"""The fake Twilio REST API: a WSGI app, an in-process client for it, and a local server."""
