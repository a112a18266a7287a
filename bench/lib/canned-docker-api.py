"""A docker API that answers /_ping, /version and /containers/json from a recorded list, and nothing else.

`docker ps -a` against it costs what the docker CLI itself costs (connect, negotiate, decode, sort, format, print):
the floor under any server's `docker ps -a`. Usage: canned-docker-api.py SOCKET LIST.json (a recorded
GET /containers/json?all=1 answer).
"""
import http.server
import os
import socketserver
import sys

socket_path, recorded = sys.argv[1], sys.argv[2]
with open(recorded, "rb") as f:
    containers = f.read()
version = b'{"Version":"20.10.0","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def address_string(self):
        return "unix"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        unversioned = path[path.find("/", 1):] if path.startswith("/v1") else path
        known = {
            "/_ping": (b"OK", "text/plain"),
            "/version": (version, "application/json"),
            "/containers/json": (containers, "application/json"),
        }.get(unversioned)
        body, kind = known or (b'{"message":"not recorded"}', "application/json")
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if os.path.exists(socket_path):
    os.unlink(socket_path)
Server(socket_path, Handler).serve_forever()
