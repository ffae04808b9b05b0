#!/usr/bin/env python3
"""Gradbook as JupyterLab reaches it: a `jupyter server` (jupyter_server, the server behind
JupyterLab and Notebook 7) on a free localhost port with a token and a temporary root
folder; its REST API lists the gradbook kernelspec and starts a kernel; the kernel's
websocket (`/api/kernels/ID/channels`, the JSON protocol a browser speaks) runs a cell that
plots, and the figure arrives as `display_data` with `image/svg+xml`.

Only what jupyter_server brings is used: urllib for REST, tornado's websocket client.
Run alone: python3 Tests/KernelTests/jupyter_server_websocket.py [.build/debug/gradbook]"""

import asyncio
import datetime
import json
import os
import secrets
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jupyter_support import (Scratch, expect, install_kernelspec,  # noqa: E402
                             jupyter_environment, kernel_processes, run_tests, start_process,
                             stop_process, test)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python3 -m jupyter_server` on 127.0.0.1, and REST calls to it with its token."""

    def __init__(self, env, root):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        arguments = [sys.executable, "-m", "jupyter_server", "--no-browser",
                     "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                     "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                     f"--ServerApp.root_dir={root}"]
        if os.geteuid() == 0:
            arguments.append("--allow-root")
        self.process = start_process(arguments, env=env, cwd=root)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.rest("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    output = self.process.stdout.read().decode(errors="replace")
                    raise AssertionError(f"jupyter server exited: {output}")
                expect(time.monotonic() < deadline, "jupyter server did not answer in 60 s")
                time.sleep(0.3)

    def rest(self, method, path, body=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)

    def get_bytes(self, path):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def stop(self):
        stop_process(self.process)


def message(msg_type, content, session):
    """A message as the browser sends it over the JSON websocket protocol."""
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                   "username": "test", "version": "5.3",
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
        "buffers": [],
    }


async def connect(url, token):
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    return await websocket_connect(
        HTTPRequest(url, headers={"Authorization": f"token {token}"}, connect_timeout=30))


async def send_execute(connection, code):
    """Sends an execute_request as the browser does; returns its msg_id."""
    request = message("execute_request", {
        "code": code, "silent": False, "store_history": True, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True}, uuid.uuid4().hex)
    await connection.write_message(json.dumps(request))
    return request["header"]["msg_id"]


async def collect(connection, msg_id, timeout):
    """Every message the kernel sent about request `msg_id`, up to its execute_reply and its
    idle status (both are needed: they race on two channels); fails after `timeout` s."""
    reply, idle, messages = None, False, []
    deadline = time.monotonic() + timeout
    while reply is None or not idle:
        left = deadline - time.monotonic()
        expect(left > 0, f"no reply and idle in {timeout} s; got {messages}")
        try:
            text = await asyncio.wait_for(connection.read_message(), left)
        except asyncio.TimeoutError:
            raise AssertionError(f"no reply and idle in {timeout} s; got {messages}")
        expect(text is not None, f"the websocket closed; got {messages}")
        received = json.loads(text)
        if received.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        messages.append(received)
        if received["msg_type"] == "execute_reply":
            reply = received
        if received["msg_type"] == "status" and \
                received["content"]["execution_state"] == "idle":
            idle = True
    return reply, messages


async def execute_over_websocket(url, token, code, timeout=90):
    """Runs `code` over a new websocket; its execute_reply and every message about it."""
    connection = await connect(url, token)
    try:
        return await collect(connection, await send_execute(connection, code), timeout)
    finally:
        connection.close()


def shown(content):
    """The text a message shows: a stream's, a display's or value's, an error's."""
    return " ".join([content.get("text", ""), content.get("data", {}).get("text/plain", ""),
                     content.get("evalue", ""), *content.get("traceback", [])])


def running_server(scratch):
    """A server with the kernelspec installed, in `scratch`."""
    env = jupyter_environment(scratch)
    install_kernelspec(scratch, env)
    root = os.path.join(scratch, "root")
    os.makedirs(root)
    return Server(env, root)


def expect_no_kernel_left(before):
    deadline = time.monotonic() + 10
    while set(kernel_processes()) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    left = set(kernel_processes()) - before
    for pid in left:
        os.kill(pid, 9)
    expect(not left, f"kernels left running after the server stopped: {left}")


@test(timeout=240)
def a_jupyter_server_starts_the_kernel_and_a_plot_arrives_as_svg_over_its_websocket():
    with Scratch() as scratch:
        before = set(kernel_processes())
        server = running_server(scratch)
        try:
            status, specs = server.rest("GET", "/api/kernelspecs")
            expect(status == 200, f"GET /api/kernelspecs: {status}")
            spec = specs["kernelspecs"].get("gradbook")
            expect(spec is not None, f"no gradbook kernelspec in {list(specs['kernelspecs'])}")
            expect(spec["spec"]["display_name"] == "Gradbook", f"kernelspec: {spec}")
            # The launcher shows the logo the kernelspec holds.
            expect(set(spec["resources"]) >= {"logo-32x32", "logo-64x64", "logo-svg"},
                   f"logos: {spec['resources']}")
            logo = server.get_bytes(spec["resources"]["logo-64x64"])
            expect(logo[:8] == b"\x89PNG\r\n\x1a\n" and logo[16:24] == bytes.fromhex(
                "0000004000000040"), f"the 64×64 logo served is not a 64×64 PNG: {logo[:24]!r}")

            status, kernel = server.rest("POST", "/api/kernels", {"name": "gradbook"})
            expect(status == 201, f"POST /api/kernels: {status} {kernel}")
            url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel['id']}/channels"
            code = "data = xor()\nplot(data, title: \"xor\")"
            reply, messages = asyncio.run(execute_over_websocket(url, server.token, code))
            expect(reply["content"]["status"] == "ok", f"execute_reply: {reply['content']}")
            figures = [m["content"]["data"] for m in messages
                       if m["msg_type"] == "display_data"
                       and "image/svg+xml" in m["content"]["data"]]
            expect(len(figures) == 1, f"{len(figures)} SVG figures in {messages}")
            svg = figures[0]["image/svg+xml"]
            expect("<svg" in svg and svg.rstrip().endswith("</svg>"),
                   f"not an SVG document: {svg[:200]!r}")
            # gnuplot drew it (its SVG says "Produced by GNUPLOT").
            expect("gnuplot" in svg.lower(), f"not gnuplot's SVG: {svg[:300]!r}")

            status, _ = server.rest("DELETE", f"/api/kernels/{kernel['id']}")
            expect(status == 204, f"DELETE /api/kernels/ID: {status}")
            status, running = server.rest("GET", "/api/kernels")
            expect(running == [], f"kernels still running: {running}")
        finally:
            server.stop()
        expect_no_kernel_left(before)


@test(timeout=240)
def jupyterlabs_interrupt_button_stops_a_long_fit_and_the_model_stays_usable():
    """POST /api/kernels/ID/interrupt, what JupyterLab's stop button sends: the server
    interrupts as the kernelspec's interrupt_mode says (a message on the control channel)."""
    with Scratch() as scratch:
        before = set(kernel_processes())
        server = running_server(scratch)
        try:
            _, kernel = server.rest("POST", "/api/kernels", {"name": "gradbook"})
            url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel['id']}/channels"

            async def session():
                connection = await connect(url, server.token)
                try:
                    setup = await send_execute(
                        connection, "d = spiral(100, classes: 3)\n"
                        "s = dense(2, 64, relu) >> dense(64, 64, relu) >> dense(64, 3, softmax)")
                    reply, _ = await collect(connection, setup, 60)
                    expect(reply["content"]["status"] == "ok", f"setup: {reply['content']}")
                    # Ten million epochs: hours, unless interrupted.
                    long = await send_execute(
                        connection, "h = fit(s, d, loss: cross_entropy, opt: adam(lr: 0.01), "
                        "epochs: 10000000)")
                    await asyncio.sleep(3)
                    status, _ = server.rest("POST", f"/api/kernels/{kernel['id']}/interrupt")
                    expect(status == 204, f"POST interrupt: {status}")
                    reply, messages = await collect(connection, long, 30)
                    text = " ".join(shown(m["content"]) for m in messages)
                    expect("interrupted" in text, f"no word of the interrupt in {messages}")
                    after = await send_execute(connection, "accuracy(s, d) > 0.3")
                    reply, messages = await collect(connection, after, 60)
                    return reply, messages
                finally:
                    connection.close()

            reply, messages = asyncio.run(session())
            expect(reply["content"]["status"] == "ok", f"after the interrupt: {reply['content']}")
            results = [m["content"]["data"]["text/plain"] for m in messages
                       if m["msg_type"] == "execute_result"]
            # Some epochs ran before the interrupt: better than a third of three classes.
            expect([r.rstrip("\n") for r in results] == ["1"],
                   f"accuracy after the interrupt: {results}")
        finally:
            server.stop()
        expect_no_kernel_left(before)


if __name__ == "__main__":
    run_tests()
