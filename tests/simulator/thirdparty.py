"""A third-party IVR written by hand with raw XML strings: a clinic's appointment line.

It knows nothing of ivr's menus or of twilio's helpers, as an app from elsewhere would not;
one route even forgets its content type, as many hand-written apps do.
"""

from __future__ import annotations

from flask import Flask, Response, request

RECEPTION = "+351210000180"


def _xml(body: str) -> Response:
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', mimetype="text/xml"
    )


def create_app() -> Flask:
    """Build the clinic's line."""
    app = Flask("clinic")

    @app.post("/ivr/welcome")
    def welcome() -> Response:
        tries = int(request.args.get("tries", "0"))
        if tries >= 2:
            return _xml('<Say language="pt-PT">Não recebemos nenhuma opção. Adeus.</Say><Hangup/>')
        return _xml(
            '<Gather numDigits="1" action="choice" timeout="4">'
            '<Say language="pt-PT" voice="Polly.Ines">Clínica da Graça. '
            "Para horários, prima 1. Para a receção, prima 2. Para deixar mensagem, prima 3.</Say>"
            "</Gather>"
            f"<Redirect>welcome?tries={tries + 1}</Redirect>"
        )

    @app.post("/ivr/choice")
    def choice() -> Response | str:
        digits = request.form.get("Digits", "")
        if digits == "1":
            # forgot the content type: Flask sends text/html (Twilio's legacy rules still read it)
            return '<Response><Say language="pt-PT">Abrimos das 8 às 20 horas.</Say></Response>'
        if digits == "2":
            return _xml(f'<Dial action="after-dial" timeout="15">{RECEPTION}</Dial>')
        if digits == "3":
            return _xml(
                '<Say language="pt-PT">Deixe a sua mensagem após o sinal.</Say>'
                '<Record action="saved" maxLength="60"/>'
                '<Say language="pt-PT">Não gravámos nada.</Say>'
            )
        return _xml('<Say language="pt-PT">Opção inválida.</Say><Redirect>welcome</Redirect>')

    @app.post("/ivr/after-dial")
    def after_dial() -> Response:
        if request.form["DialCallStatus"] == "completed":
            return _xml("<Hangup/>")
        return _xml('<Say language="pt-PT">A receção está ocupada. Ligue mais tarde.</Say>')

    @app.post("/ivr/saved")
    def saved() -> Response:
        seconds = request.form["RecordingDuration"]
        return _xml(f'<Say language="pt-PT">Mensagem de {seconds} segundos gravada.</Say>')

    return app
