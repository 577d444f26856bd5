"""HTTP side: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``, as Telegram serves them.

Every call is logged (never with the token), may be taken by an injected fault, and is answered in
Telegram's JSON envelope. getUpdates long-polls; a newer getUpdates ends an older one with 409.
"""

import asyncio
import copy
import json
import re
from http import HTTPStatus
from typing import Any

from aiohttp import web

from botapi import errors
from botapi.errors import ApiError, bad_request, envelope_error, envelope_ok
from botapi.limits import Fault, Faults
from botapi.methods import METHODS, Described, canonical, poll
from botapi.params import Params, Upload
from botapi.records import LoggedRequest
from botapi.state import Store
from botapi.webhook import delivery_context

__all__ = ["MAX_UPLOAD", "build_app"]

MAX_UPLOAD = 50 * 1024 * 1024
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_TERMINATED = "terminated by other getUpdates request; make sure that only one bot instance is running"


def build_app(store: Store, faults: Faults, token: str) -> web.Application:
    """The aiohttp application serving the Bot API for ``token``, webhook delivery included."""
    app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
    handlers = _Handlers(store, faults, token)
    app.router.add_route("*", "/bot{token}/{method}", handlers.api)
    app.router.add_get("/file/bot{token}/{path:.+}", handlers.download)
    app.cleanup_ctx.append(delivery_context(store))
    return app


class _Handlers:
    def __init__(self, store: Store, faults: Faults, token: str) -> None:
        self.store = store
        self.faults = faults
        self.token = token

    async def api(self, request: web.Request) -> web.StreamResponse:
        refused = self._check_token(request.match_info["token"])
        method = canonical(request.match_info["method"])
        if refused is None and method is None:
            refused = errors.not_found()
        if refused is not None:
            self._log(request.match_info["method"], {}, refused.code, refused.description)
            return _json(refused.envelope(), refused.code)
        assert method is not None
        try:
            params = await _read_params(request)
        except ApiError as error:
            self._log(method, {}, error.code, error.description)
            return _json(error.envelope(), error.code)
        fault = self.faults.take(method)
        if fault is not None and not fault.applied:
            return await self._fault(request, fault, method, params.logged())
        body, status = await self._call(method, params)
        if fault is not None:
            return await self._fault(request, fault, method, params.logged())
        self._log(method, params.logged(), status, body.get("description") if status != 200 else None)
        return _json(body, status)

    async def download(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        refused = self._check_token(request.match_info["token"])
        with self.store.lock:
            stored = self.store.files.at_path(path)
        if refused is None and stored is None:
            refused = errors.not_found()
        if refused is not None:
            self._log("file", {"file_path": path}, refused.code, refused.description)
            return _json(refused.envelope(), refused.code)
        assert stored is not None
        if (fault := self.faults.take("file")) is not None:
            return await self._fault(request, fault, "file", {"file_path": path})
        self._log("file", {"file_path": path}, 200)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _call(self, method: str, params: Params) -> tuple[dict[str, Any], int]:
        try:
            if method == "getUpdates":
                return envelope_ok(await self._get_updates(params)), 200
            with self.store.lock:
                result = METHODS[method](self.store, params)
                self.store.notify()
                if isinstance(result, Described):
                    return copy.deepcopy(envelope_ok(result.result, result.description)), 200
                return copy.deepcopy(envelope_ok(result)), 200
        except ApiError as error:
            return error.envelope(), error.code

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        with self.store.lock:
            limit, timeout = poll(self.store, params)
            self.store.poll_generation += 1
            generation = self.store.poll_generation
            self.store.notify()

        def ready() -> list[dict[str, Any]] | str | None:
            store = self.store
            if store.poll_generation != generation:
                return "terminated"
            if store.updates:
                return copy.deepcopy(store.updates[:limit])
            return "empty" if store.closed or store.webhook.url else None

        try:
            outcome = await self.store.wait_async(ready, timeout)
        except TimeoutError:
            return []
        if outcome == "terminated":
            raise errors.conflict(_TERMINATED)
        return outcome if isinstance(outcome, list) else []

    async def _fault(
        self, request: web.Request, fault: Fault, method: str, params: dict[str, Any]
    ) -> web.StreamResponse:
        if fault.action == "fail":
            description = HTTPStatus(fault.status).phrase
            self._log(method, params, fault.status, description)
            return _json(envelope_error(fault.status, description), fault.status)
        self._log(method, params, None, "hang")
        # Until the client gives up (aiohttp then cancels this handler) or the server stops.
        while not self.store.closed and request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(0.05)
        return _json(envelope_error(504, "Gateway Timeout"), 504)

    def _check_token(self, token: str) -> ApiError | None:
        if not _TOKEN.match(token):
            return errors.not_found()
        return None if token == self.token else errors.unauthorized()

    def _log(
        self, method: str, params: dict[str, Any], status: int | None, description: str | None = None
    ) -> None:
        self.store.record(LoggedRequest(method, params, status, description))


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[name] = value
    return Params(values, uploads)


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
