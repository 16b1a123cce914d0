"""/webhooks/twilio: delivery status callbacks and inbound messages from Twilio.

No JWT here: each request must carry a valid `X-Twilio-Signature`, computed by Twilio
over the configured public URL (PUBLIC_BASE_URL + path, not the Host we were reached at,
which a proxy may change) and the form parameters. A bad or missing signature is a 403
and changes nothing. Without Twilio settings the webhooks do not exist: 404 (a default
install has no Twilio to call it, and nothing here is unavailable to retry later).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from adapters.messaging.twilio.status_map import map_provider_status
from adapters.messaging.twilio.twiml import TWIML_MEDIA_TYPE, twiml_reply
from adapters.messaging.twilio.webhook import (
    CONSENT_SOURCE,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    inbound_sender,
    signature_valid,
)
from application.outbox.callbacks import apply_status_callback
from application.outbox.inbound import handle_inbound
from domain.messaging.message import MAX_BODY
from entrypoints.http.deps import ClockDep, SettingsDep, UowFactoryDep
from entrypoints.settings import Settings, TwilioSettings

NO_NUL = "^[^\\u0000]*$"  # see entrypoints/http/nul_guard.py


def _twilio(settings: Settings) -> TwilioSettings:
    if settings.messaging.twilio is None:
        raise NotFoundException("Twilio is not configured: no webhooks here")
    return settings.messaging.twilio


async def verified_form(request: Request[Any, Any, Any], settings: Settings) -> FormMultiDict:
    """The request's form parameters, once its Twilio signature checks out."""
    twilio = _twilio(settings)
    form = await request.form()
    url = twilio.public_base_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get(SIGNATURE_HEADER)
    algorithm = request.headers.get(SIGNATURE_SETTINGS_HEADER)
    tokens = [twilio.auth_token.get_secret_value()]
    if twilio.auth_token_previous is not None:
        tokens.append(twilio.auth_token_previous.get_secret_value())
    if not signature_valid(tokens, url, form, signature, algorithm):
        raise PermissionDeniedException("missing or invalid X-Twilio-Signature")
    return form


# Twilio's own limits: a message Body is at most 1600 characters (SMS and WhatsApp), the same
# as ours (MAX_BODY); every other parameter we read (SIDs, statuses, addresses) is far
# shorter than 200.
_MAX_LENGTH = {"Body": MAX_BODY}
_OTHER_MAX_LENGTH = 200


def _max_length(name: str) -> int:
    return _MAX_LENGTH.get(name, _OTHER_MAX_LENGTH)


def _required(form: FormMultiDict, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationException(
            f"{name}: required", extra=[{"key": name, "message": "is required"}]
        )
    return value.strip()


def _within_lengths(form: FormMultiDict, names: list[str]) -> None:
    """A 400 naming the first of the documented parameters longer than documented."""
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and len(value) > _max_length(name):
            message = f"must be at most {_max_length(name)} characters"
            raise ValidationException(
                f"{name}: {message}", extra=[{"key": name, "message": message}]
            )


def _form_operation(required: list[str], optional: list[str]) -> type[Operation]:
    """The OpenAPI operation of a webhook, with its form body documented (the handler reads
    the raw form itself, since the signature covers every parameter Twilio sent)."""
    names = [*required, *optional]
    # Twilio sends more parameters than these; none, named or not, may carry a NUL (400).
    text = Schema(type=OpenAPIType.STRING, pattern=NO_NUL)
    form = Schema(
        type=OpenAPIType.OBJECT,
        properties={
            name: Schema(type=OpenAPIType.STRING, max_length=_max_length(name), pattern=NO_NUL)
            for name in names
        },
        required=required,
        additional_properties=text,
        property_names=text,
    )

    @dataclass
    class FormOperation(Operation):
        def __post_init__(self) -> None:
            content = {"application/x-www-form-urlencoded": OpenAPIMediaType(schema=form)}
            self.request_body = RequestBody(content=content, required=True)

    return FormOperation


class TwilioWebhookController(Controller):
    path = "/webhooks/twilio"
    tags = ["webhooks"]

    @post(
        "/status",
        operation_id="twilioStatusCallback",
        status_code=HTTP_204_NO_CONTENT,
        operation_class=_form_operation(["MessageSid", "MessageStatus"], ["ErrorCode"]),
    )
    async def status(
        self,
        request: Request[Any, Any, Any],
        settings: SettingsDep,
        uow_factory: UowFactoryDep,
        clock: ClockDep,
    ) -> None:
        """A message's delivery status changed (applied only forward; repeats ignored)."""
        form = await verified_form(request, settings)
        _within_lengths(form, ["MessageSid", "MessageStatus", "ErrorCode"])
        sid = _required(form, "MessageSid")
        status = _required(form, "MessageStatus")
        token = request.headers.get(IDEMPOTENCY_HEADER) or f"status:{sid}:{status}"
        error_code = form.get("ErrorCode")
        await apply_status_callback(
            uow_factory,
            clock,
            sid,
            map_provider_status(status),
            token,
            error_code=error_code if isinstance(error_code, str) else None,
        )

    @post(
        "/inbound",
        operation_id="twilioInboundMessage",
        status_code=HTTP_200_OK,
        media_type=TWIML_MEDIA_TYPE,
        operation_class=_form_operation(["From"], ["Body", "MessageSid"]),
    )
    async def inbound(
        self,
        request: Request[Any, Any, Any],
        settings: SettingsDep,
        uow_factory: UowFactoryDep,
        clock: ClockDep,
    ) -> Response[str]:
        """A customer wrote to us: STOP/START/HELP or a reply; answered with TwiML."""
        form = await verified_form(request, settings)
        _within_lengths(form, ["From", "Body", "MessageSid"])
        phone, channel = inbound_sender(_required(form, "From"))
        body = form.get("Body")
        body = body if isinstance(body, str) else ""
        sid = form.get("MessageSid")
        token = request.headers.get(IDEMPOTENCY_HEADER) or (
            f"inbound:{sid}" if isinstance(sid, str) and sid else None
        )
        reply = await handle_inbound(
            uow_factory,
            clock,
            phone,
            body,
            channel,
            token,
            shop_name=settings.shop_name,
            source=CONSENT_SOURCE,
        )
        return Response(twiml_reply(reply), media_type=TWIML_MEDIA_TYPE)
