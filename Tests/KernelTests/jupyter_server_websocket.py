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


async def execute_over_websocket(url, token, code, timeout=90):
    """Sends an execute_request and returns every message the kernel sent about it, up to
    its execute_reply and its idle status (both are needed: they race on two channels)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(
        HTTPRequest(url, headers={"Authorization": f"token {token}"}, connect_timeout=30))
    try:
        session = uuid.uuid4().hex
        request = message("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}, session)
        await connection.write_message(json.dumps(request))
        replies, idle, messages = None, False, []
        deadline = time.monotonic() + timeout
        while replies is None or not idle:
            left = deadline - time.monotonic()
            expect(left > 0, f"no reply and idle in {timeout} s; got {messages}")
            text = await asyncio.wait_for(connection.read_message(), left)
            expect(text is not None, f"the websocket closed; got {messages}")
            received = json.loads(text)
            if received.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
                continue
            messages.append(received)
            if received["msg_type"] == "execute_reply":
                replies = received
            if received["msg_type"] == "status" and \
                    received["content"]["execution_state"] == "idle":
                idle = True
        return replies, messages
    finally:
        connection.close()


@test(timeout=240)
def a_jupyter_server_starts_the_kernel_and_a_plot_arrives_as_svg_over_its_websocket():
    with Scratch() as scratch:
        env = jupyter_environment(scratch)
        install_kernelspec(scratch, env)
        root = os.path.join(scratch, "root")
        os.makedirs(root)
        before = set(kernel_processes())
        server = Server(env, root)
        try:
            status, specs = server.rest("GET", "/api/kernelspecs")
            expect(status == 200, f"GET /api/kernelspecs: {status}")
            spec = specs["kernelspecs"].get("gradbook")
            expect(spec is not None, f"no gradbook kernelspec in {list(specs['kernelspecs'])}")
            expect(spec["spec"]["display_name"] == "Gradbook", f"kernelspec: {spec}")
            # The launcher shows the logo the kernelspec holds.
            expect(set(spec["resources"]) >= {"logo-32x32", "logo-64x64", "logo-svg"},
                   f"logos: {spec['resources']}")

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
        deadline = time.monotonic() + 10
        while set(kernel_processes()) - before and time.monotonic() < deadline:
            time.sleep(0.2)
        left = set(kernel_processes()) - before
        for pid in left:
            os.kill(pid, 9)
        expect(not left, f"kernels left running after the server stopped: {left}")


if __name__ == "__main__":
    run_tests()
