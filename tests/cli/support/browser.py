#!/usr/bin/env python3
"""A scriptable stand-in for a web browser, used by the sfconnect integration tests.

sfconnect spawns `$SFCONNECT_BROWSER <authorize URL>` and does not wait for it.
This script plays the user: it opens the authorize URL at the fake Salesforce
(without following redirects), and when Salesforce redirects to the loopback
listener it optionally misbehaves first, then delivers the callback like a
browser would. It never prints to stdout and always exits 0; everything it saw
goes to the JSON-lines file named by TEST_BROWSER_LOG.

Environment:
  TEST_BROWSER_LOG            file to append {"event": ...} JSON lines to
  TEST_BROWSER_PREFLIGHT      comma-separated actions done before the callback:
                                favicon      GET /favicon.ico on the listener
                                wrong_state  GET the callback with a wrong state
                                other_path   GET /somewhere-else on the listener
  TEST_BROWSER_SKIP_CALLBACK  "1": never deliver the callback itself
  TEST_BROWSER_HOST           Host header to send to the listener
  TEST_BROWSER_USER           a username sent as login_hint with the authorize
                              request (the fake logs that user in)
  TEST_BROWSER_BEFORE_CALLBACK  a shell command run just before the callback
                              (to change the world while the user is "in the
                              browser", e.g. break the secret store)
  HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE  as for any https client

Events: launched {url}; authorize {url, status, location, body};
preflight {action, url, status | error}; callback {url, status, location, body};
redirect {url, status, location, body} for each redirect the listener answers
with (followed, as a browser would, at most five times); error {stage, error};
done {}.
"""

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 30
RETRY_SECONDS = 2.0
MAX_BODY = 65536
MAX_FOLLOW = 5
WRONG_STATE = "wrong-state-from-test-browser"


def log(event, **fields):
    path = os.environ.get("TEST_BROWSER_LOG")
    if not path:
        return
    line = json.dumps(dict(event=event, **fields)) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError:
        pass


def fetch(url, host_header=None):
    """GET url without following redirects; retries refused connections.

    Returns (status, location, body). http.client connects through
    socket.create_connection, which tries every address of 'localhost'
    (::1 and 127.0.0.1) the way a browser does.
    """
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"User-Agent": "sfconnect-test-browser/1.0", "Accept": "text/html,*/*"}
    if host_header:
        headers["Host"] = host_header
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        connection = connect(parts)
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            body = response.read(MAX_BODY).decode("utf-8", "replace")
            return response.status, response.getheader("Location"), body
        except ConnectionRefusedError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)
        finally:
            connection.close()


def connect(parts):
    """A connection for the URL's scheme and host. An https URL goes through
    HTTPS_PROXY (as a CONNECT tunnel) unless NO_PROXY exempts its host, as a
    browser's proxy settings would; certificates are verified against the
    default store, which SSL_CERT_FILE can replace."""
    if parts.scheme != "https":
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    port = parts.port or 443
    proxy = urllib.request.getproxies_environment().get("https")
    if not proxy or urllib.request.proxy_bypass_environment(parts.hostname):
        return http.client.HTTPSConnection(parts.hostname, port, timeout=TIMEOUT_SECONDS)
    proxy = urllib.parse.urlsplit(proxy)
    connection = http.client.HTTPSConnection(proxy.hostname, proxy.port, timeout=TIMEOUT_SECONDS)
    connection.set_tunnel(parts.hostname, port)
    return connection


def with_state(url, state):
    parts = urllib.parse.urlsplit(url)
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    pairs = [(k, v) for k, v in pairs if k != "state"] + [("state", state)]
    query = urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
    return urllib.parse.urlunsplit(parts._replace(query=query))


def on_same_host(url, path):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def preflight(action, callback, host_header):
    if action == "favicon":
        url = on_same_host(callback, "/favicon.ico")
    elif action == "wrong_state":
        url = with_state(callback, WRONG_STATE)
    elif action == "other_path":
        url = on_same_host(callback, "/somewhere-else")
    else:
        log("preflight", action=action, error="unknown action")
        return
    try:
        status, _, _ = fetch(url, host_header)
        log("preflight", action=action, url=url, status=status)
    except Exception as error:  # a browser shrugs and carries on
        log("preflight", action=action, url=url, error=repr(error))


def deliver(callback, host_header):
    """GET the callback, then follow the listener's own redirects."""
    url, event = callback, "callback"
    for _ in range(MAX_FOLLOW + 1):
        status, location, body = fetch(url, host_header)
        log(event, url=url, status=status, location=location, body=body)
        if not (300 <= status < 400 and location):
            return
        url, event = urllib.parse.urljoin(url, location), "redirect"


def with_login_hint(url, username):
    parts = urllib.parse.urlsplit(url)
    hint = urllib.parse.urlencode([("login_hint", username)], quote_via=urllib.parse.quote)
    query = parts.query + "&" + hint if parts.query else hint
    return urllib.parse.urlunsplit(parts._replace(query=query))


def run(authorize_url):
    stage = "authorize"
    user = os.environ.get("TEST_BROWSER_USER")
    if user:
        authorize_url = with_login_hint(authorize_url, user)
    try:
        status, location, body = fetch(authorize_url)
        log("authorize", url=authorize_url, status=status, location=location, body=body)
        if not (300 <= status < 400 and location):
            return
        callback = urllib.parse.urljoin(authorize_url, location)
        host_header = os.environ.get("TEST_BROWSER_HOST") or None
        stage = "preflight"
        actions = os.environ.get("TEST_BROWSER_PREFLIGHT", "")
        for action in [a.strip() for a in actions.split(",") if a.strip()]:
            preflight(action, callback, host_header)
        if os.environ.get("TEST_BROWSER_SKIP_CALLBACK") == "1":
            return
        before = os.environ.get("TEST_BROWSER_BEFORE_CALLBACK")
        if before:
            subprocess.run(["sh", "-c", before], check=False)
        stage = "callback"
        deliver(callback, host_header)
    except Exception as error:
        log("error", stage=stage, error=repr(error))


def main():
    if len(sys.argv) < 2:
        log("error", stage="arguments", error="no URL given")
        return
    url = sys.argv[-1]
    log("launched", url=url, argv=sys.argv)
    run(url)
    log("done")


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # noqa: BLE001 - a browser never fails its opener
        pass
    sys.exit(0)
