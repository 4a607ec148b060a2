"""Omnara v1 clients against our server, as their users run them. Each scenario uses the SDK
mirror (or the exact requests of the n8n node and the Claude Code wrapper) and compares whole
response field sets. Prints one JSON line per scenario; exits 1 if any failed.

Environment: OMNARA_URL, OMNARA_API_KEY, OMNARA_SESSION (the same user's dashboard session, to
reply), OMNARA_OTHER_API_KEY (another user's key)."""

import asyncio
import json
import os
import sys
import threading
import time
import traceback
import uuid

import requests

from omnara_v1.async_client import AsyncOmnaraClient
from omnara_v1.client import OmnaraClient
from omnara_v1.errors import APIError, TimeoutError
from omnara_v1.models import CreateMessageResponse, EndSessionResponse, Message, field_names

URL = os.environ["OMNARA_URL"]
KEY = os.environ["OMNARA_API_KEY"]
SESSION = os.environ["OMNARA_SESSION"]
OTHER_KEY = os.environ["OMNARA_OTHER_API_KEY"]

MESSAGE_FIELDS = field_names(Message)
INSTANCE_FIELDS = {
    "id", "agent_type_id", "agent_type_name", "name", "status", "started_at", "ended_at",
    "latest_message", "latest_message_at", "chat_length", "last_heartbeat_at", "instance_metadata",
}
DETAIL_FIELDS = {
    "id", "agent_type_id", "agent_type_name", "status", "started_at", "ended_at", "git_diff", "messages",
    "last_read_message_id", "last_heartbeat_at", "access_level", "is_owner", "instance_metadata",
}


def exact(data: dict, expected: set, what: str):
    got = set(data)
    if got != expected:
        raise AssertionError(f"{what}: fields {sorted(got)} != {sorted(expected)}")


def exact_message(m: dict, what: str):
    exact(m, MESSAGE_FIELDS, what)
    Message(**m)
    assert m["sender_type"] in ("AGENT", "USER"), m
    assert isinstance(m["requires_user_input"], bool) and isinstance(m["created_at"], str), m


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def raw_of(client, method, prefix):
    return [data for (m, endpoint, data) in client.raw if m == method and endpoint.startswith(prefix)]


def user_detail(instance_id):
    r = requests.get(f"{URL}/api/v1/agent-instances/{instance_id}", headers={"Authorization": f"Bearer {SESSION}"})
    r.raise_for_status()
    return r.json()


def reply(instance_id, content):
    r = requests.post(
        f"{URL}/api/v1/agent-instances/{instance_id}/messages",
        headers={"Authorization": f"Bearer {SESSION}"},
        json={"content": content},
    )
    r.raise_for_status()
    return r.json()


def reply_when_waiting(instance_id, content, question_count=1):
    """The user, on the dashboard: answers once the agent's question is shown."""

    def run():
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                detail = user_detail(instance_id)
                asked = [m for m in detail["messages"] if m["requires_user_input"]]
                if detail["status"] == "AWAITING_INPUT" and len(asked) >= question_count:
                    reply(instance_id, content)
                    return
            except requests.HTTPError:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def client():
    return OmnaraClient(KEY, URL)


# --- Python SDK, sync -------------------------------------------------------------------------


def sdk_step_and_queued_replies():
    c = client()
    sent = c.send_message("Reading the code", agent_type="Claude Code")
    check(isinstance(sent, CreateMessageResponse) and sent.queued_user_messages == [], sent)
    exact(raw_of(c, "POST", "/api/v1/messages/agent")[0], field_names(CreateMessageResponse), "messages/agent")
    reply(sent.agent_instance_id, "also check the tests")
    nxt = c.send_message("Editing", agent_instance_id=sent.agent_instance_id, git_diff="diff --git a/x b/x\n")
    check(nxt.queued_user_messages == ["also check the tests"], nxt)
    for m in raw_of(c, "POST", "/api/v1/messages/agent")[1]["queued_user_messages"]:
        exact_message(m, "queued_user_messages[]")
    check(c.send_message("", agent_instance_id=sent.agent_instance_id).success is True, "empty content accepted")


def sdk_ask_waits_for_the_reply():
    c = client()
    instance = str(uuid.uuid4())
    c.send_message("Starting", agent_type="sdk", agent_instance_id=instance)
    replier = reply_when_waiting(instance, "yes, deploy")
    answer = c.send_message("Deploy?", agent_instance_id=instance, requires_user_input=True, poll_interval=0.1, timeout_minutes=1)
    replier.join()
    check(answer.queued_user_messages == ["yes, deploy"], answer)
    polls = raw_of(c, "GET", "/api/v1/messages/pending")
    for poll in polls:
        exact(poll, {"agent_instance_id", "messages", "status"}, "messages/pending")
        for m in poll["messages"]:
            exact_message(m, "pending messages[]")
    # The SDK carries on with its next step: the answer is not queued a second time.
    check(c.send_message("Deploying", agent_instance_id=instance).queued_user_messages == [], "no double delivery")


def sdk_lost_answer_is_delivered_again_then_stale():
    c = client()
    instance = str(uuid.uuid4())
    q = c.send_message("Which branch?", agent_type="sdk", agent_instance_id=instance, requires_user_input=False)
    reply(instance, "main")
    first = c.get_pending_messages(instance, q.message_id)
    check([m.content for m in first.messages] == ["main"] and first.status == "ok", first)
    # The process died before using the answer: the same poll gets it again.
    again = c.get_pending_messages(instance, q.message_id)
    check([m.content for m in again.messages] == ["main"], again)
    # Another process of the agent moved on (its next message): the old poll is stale, as in v1.
    c.send_message("Using main", agent_instance_id=instance)
    stale = c.get_pending_messages(instance, q.message_id)
    check(stale.status == "stale" and stale.messages == [], stale)


def sdk_request_user_input_waits():
    c = client()
    instance = str(uuid.uuid4())
    step = c.send_message("Done. Anything else?", agent_type="sdk", agent_instance_id=instance)
    replier = reply_when_waiting(instance, "ship it")
    answers = c.request_user_input(step.message_id, timeout_minutes=1, poll_interval=0.1)
    replier.join()
    check(answers == ["ship it"], answers)
    patch = raw_of(c, "PATCH", "/api/v1/messages/")[0]
    exact(patch, {"success", "message_id", "agent_instance_id", "messages", "status"}, "request-input")
    check(patch["status"] == "ok" and patch["messages"] == [], patch)


def sdk_request_user_input_returns_replies_already_there():
    c = client()
    instance = str(uuid.uuid4())
    step = c.send_message("Step", agent_type="sdk", agent_instance_id=instance)
    reply(instance, "already said")
    check(c.request_user_input(step.message_id, timeout_minutes=1, poll_interval=0.1) == ["already said"], "immediate")
    for m in raw_of(c, "PATCH", "/api/v1/messages/")[0]["messages"]:
        exact_message(m, "request-input messages[]")


def sdk_request_user_input_stale_after_terminal_input():
    c = client()
    instance = str(uuid.uuid4())
    step = c.send_message("Step", agent_type="sdk", agent_instance_id=instance)
    sent = c.send_user_message(instance, "typed in the terminal")
    exact(sent, {"success", "message_id", "marked_as_read"}, "messages/user")
    try:
        c.request_user_input(step.message_id, timeout_minutes=1, poll_interval=0.1)
        raise AssertionError("expected TimeoutError")
    except TimeoutError as e:
        check(str(e) == "Another process has read the messages", e)
    check(raw_of(c, "PATCH", "/api/v1/messages/")[0]["status"] == "stale", c.raw)


def sdk_register_conflict_falls_back_to_read():
    c = client()
    instance = str(uuid.uuid4())
    created = c.register_agent_instance(agent_type="Claude Code", agent_instance_id=instance, name="relay")
    exact(raw_of(c, "POST", "/api/v1/agent-instances")[0],
          {"agent_instance_id", "agent_type_id", "agent_type_name", "status", "name", "instance_metadata"}, "register")
    check(created.status == "ACTIVE" and created.instance_metadata == {"transport": "ws"}, created)
    again = c.register_agent_instance(agent_type="Claude Code", agent_instance_id=instance)
    check(again.agent_instance_id == instance and again.agent_type_name == "claude code", again)
    detail = raw_of(c, "GET", f"/api/v1/agent-instances/{instance}")[0]
    exact(detail, DETAIL_FIELDS, "GET agent-instances/{id}")
    check(detail["messages"] == [] and detail["is_owner"] is True, detail)


def sdk_update_status_and_end_session():
    c = client()
    instance = str(uuid.uuid4())
    c.send_message("Working", agent_type="sdk", agent_instance_id=instance)
    c.send_message("More", agent_instance_id=instance)
    r = requests.get(f"{URL}/api/v1/agent-instances/{instance}", params={"message_limit": 1},
                     headers={"Authorization": f"Bearer {KEY}"})
    exact(r.json(), DETAIL_FIELDS, "detail")
    check([m["content"] for m in r.json()["messages"]] == ["More"], r.json())
    for m in r.json()["messages"]:
        exact_message(m, "detail messages[]")
    try:
        c.update_agent_instance_status(instance, "PAUSED")
        raise AssertionError("expected 400")
    except APIError as e:
        check(e.status_code == 400 and e.detail == "Status update not supported", e)
    updated = c.update_agent_instance_status(instance, "FAILED")
    exact(updated, INSTANCE_FIELDS, "PUT status")
    check(updated["status"] == "FAILED" and updated["ended_at"], updated)
    other = str(uuid.uuid4())
    c.send_message("x", agent_type="sdk", agent_instance_id=other)
    ended = c.end_session(other)
    exact(raw_of(c, "POST", "/api/v1/sessions/end")[0], field_names(EndSessionResponse), "sessions/end")
    check(ended.final_status == "COMPLETED", ended)


def sdk_errors_say_what_is_wrong():
    c = client()
    try:
        c.send_message("hi", agent_instance_id=str(uuid.uuid4()))
        raise AssertionError("expected 400")
    except APIError as e:
        check(e.status_code == 400 and e.detail == "agent_type is required when creating new instance", e.detail)
    try:
        c._make_request("POST", "/api/v1/messages/agent", json={"agent_instance_id": str(uuid.uuid4())})
        raise AssertionError("expected 400")
    except APIError as e:
        check(e.status_code == 400 and "content" in e.detail, e.detail)
    try:
        c.request_user_input(str(uuid.uuid4()))
        raise AssertionError("expected 404")
    except APIError as e:
        check(e.status_code == 404 and e.detail == "Agent message not found or access denied", e.detail)


def sdk_other_users_instances_are_not_found():
    mine = client()
    instance = str(uuid.uuid4())
    step = mine.send_message("private", agent_type="sdk", agent_instance_id=instance)
    thief = OmnaraClient(OTHER_KEY, URL)
    attempts = [
        lambda: thief._make_request("GET", f"/api/v1/agent-instances/{instance}", params={"message_limit": 0}),
        lambda: thief.update_agent_instance_status(instance, "COMPLETED"),
        lambda: thief.get_pending_messages(instance, step.message_id),
        lambda: thief.send_message("hijack", agent_instance_id=instance),
        lambda: thief.send_user_message(instance, "hijack"),
        lambda: thief.request_user_input(step.message_id),
        lambda: thief.end_session(instance),
    ]
    for attempt in attempts:
        try:
            attempt()
            raise AssertionError("another user's instance answered")
        except APIError as e:
            check(e.status_code == 404, (e.status_code, e.detail))
    check(user_detail(instance)["status"] == "ACTIVE", "unchanged")


# --- Python SDK, async (the wire of AsyncOmnaraClient) ------------------------------------------


def sdk_async_calls():
    async def run():
        async with AsyncOmnaraClient(KEY, URL) as c:
            instance = str(uuid.uuid4())
            await c.send_message("Async start", agent_type="async sdk", agent_instance_id=instance)
            replier = reply_when_waiting(instance, "async answer")
            answer = await c.send_message("Async question?", agent_instance_id=instance, requires_user_input=True,
                                          poll_interval=0.1, timeout_minutes=1)
            replier.join()
            check(answer.queued_user_messages == ["async answer"], answer)
            step = await c.send_message("Next", agent_instance_id=instance)
            replier = reply_when_waiting(instance, "second answer", question_count=2)
            check(await c.request_user_input(step.message_id, timeout_minutes=1, poll_interval=0.1) == ["second answer"], "ri")
            replier.join()
            pending = await c.get_pending_messages(instance)
            check(pending.status == "ok", pending)
            ended = await c.end_session(instance)
            check(ended.final_status == "COMPLETED", ended)

    asyncio.run(run())


# --- Claude Code wrapper (claude_wrapper_v3.py) --------------------------------------------------


def wrapper_request_input_recovers_from_already_requires_input():
    async def run():
        c = AsyncOmnaraClient(KEY, URL)
        instance = str(uuid.uuid4())
        await c.send_message("Claude session started", agent_type="claude code", agent_instance_id=instance)
        question = await c._make_request("POST", "/api/v1/messages/agent", json={
            "agent_instance_id": instance, "content": "Waiting?", "requires_user_input": True})
        try:
            await c.request_user_input(question["message_id"], timeout_minutes=1, poll_interval=3.0)
            raise AssertionError("expected a 400")
        except Exception as e:  # the wrapper's own test of the error
            check("400" in str(e) and "already requires user input" in str(e), str(e))
        replier = reply_when_waiting(instance, "carry on", question_count=2)
        response = await c.send_message("Waiting for your input...", agent_type="claude code", agent_instance_id=instance,
                                        requires_user_input=True, poll_interval=0.1)
        replier.join()
        check(response.queued_user_messages == ["carry on"], response)

    asyncio.run(run())


def wrapper_heartbeat_and_terminal_mirror():
    c = client()
    instance = str(uuid.uuid4())
    c.send_message("Claude session started", agent_type="claude code", agent_instance_id=instance)
    # The heartbeat loop posts with the SDK's session: JSON content type, no body.
    r = c.session.post(f"{URL}/api/v1/agents/instances/{instance}/heartbeat", timeout=10)
    check(r.status_code == 200, r.text)
    exact(r.json(), {"agent_instance_id", "last_heartbeat_at"}, "heartbeat")
    c.send_user_message(agent_instance_id=instance, content="typed at the terminal")
    check(c.send_message("ok", agent_instance_id=instance).queued_user_messages == [], "not delivered back")


# --- n8n node (n8n-nodes-omnara) -----------------------------------------------------------------


def n8n_request(method, endpoint, body=None, qs=None):
    """omnaraApiRequest: `${serverUrl}/api/v1${endpoint}`, json: true, Bearer credential."""
    r = requests.request(method, f"{URL}/api/v1{endpoint}", json=body if body is not None else {}, params=qs or {},
                         headers={"Authorization": f"Bearer {KEY}"})
    if not r.ok:
        raise APIError(r.status_code, r.text)
    return r.json()


def n8n_credential_test_send_and_end():
    verified = n8n_request("GET", "/auth/verify")
    exact(verified, {"success", "user_id", "email", "display_name", "message"}, "auth/verify")
    check(verified["message"] == "Authentication successful", verified)
    instance = str(uuid.uuid5(uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), f"wf:{uuid.uuid4()}:My workflow"))
    sent = n8n_request("POST", "/messages/agent", {
        "agent_instance_id": instance, "agent_type": "My workflow", "content": "Invoice sent", "requires_user_input": False,
        "send_push": True})
    exact(sent, {"success", "agent_instance_id", "message_id", "queued_user_messages"}, "n8n send")
    ended = n8n_request("POST", "/sessions/end", {"agent_instance_id": instance})
    exact(ended, {"success", "agent_instance_id", "final_status"}, "n8n end")


def n8n_send_and_wait_sync_mode():
    instance = str(uuid.uuid4())
    sent = n8n_request("POST", "/messages/agent", {
        "agent_instance_id": instance, "agent_type": "My workflow", "content": "Approve the refund?",
        "requires_user_input": True, "message_metadata": {"sync_mode": True, "node_id": "node-1"}})
    replier = reply_when_waiting(instance, "approved")
    deadline = time.time() + 20
    while time.time() < deadline:
        pending = n8n_request("GET", "/messages/pending", {}, {
            "agent_instance_id": instance, "last_read_message_id": sent["message_id"]})
        exact(pending, {"agent_instance_id", "messages", "status"}, "n8n pending")
        if pending["messages"]:
            last = pending["messages"][-1]
            exact_message(last, "n8n pending messages[]")
            check(last["content"] == "approved" and last["id"] and last["created_at"], last)
            replier.join()
            return
        time.sleep(0.1)
    raise AssertionError("no reply")


def n8n_send_and_wait_webhook_mode():
    """The node's default mode: it parks the workflow on `${resumeUrl}/${nodeId}` and resumes on
    Omnara's POST, reading body.user_message, user_id, message_id, agent_instance_id, timestamp
    (omnaraSendAndWaitWebhook). A local server stands in for n8n's webhook-waiting endpoint."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    calls = []
    arrived = threading.Event()

    class Waiting(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            calls.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.end_headers()
            arrived.set()

        def log_message(self, *args):
            pass

    n8n = HTTPServer(("127.0.0.1", 0), Waiting)
    threading.Thread(target=n8n.serve_forever, daemon=True).start()
    try:
        instance = str(uuid.uuid4())
        resume_url = f"http://127.0.0.1:{n8n.server_port}/webhook-waiting/exec-7/node-9"
        n8n_request("POST", "/messages/agent", {
            "agent_instance_id": instance, "agent_type": "My workflow", "content": "Approve the refund?",
            "requires_user_input": True, "message_metadata": {
                "webhook_url": resume_url, "webhook_type": "n8n_send_and_wait", "execution_id": "exec-7",
                "node_id": "node-9"}})
        reply_when_waiting(instance, "approved").join()
        check(arrived.wait(20), "n8n was never resumed")
        path, headers, raw = calls[0]
        check(path == "/webhook-waiting/exec-7/node-9", path)
        check(headers.get("X-Omnara-Webhook") == "true", headers)
        check(headers.get("Content-Type") == "application/json", headers)
        body = json.loads(raw)
        exact(body, {"user_message", "user_id", "message_id", "agent_instance_id", "timestamp"}, "n8n resume body")
        response_data = {"userResponse": body["user_message"], "userId": body["user_id"],
                         "messageId": body["message_id"], "agentInstanceId": body["agent_instance_id"],
                         "timestamp": body["timestamp"]}
        check(response_data["userResponse"] == "approved" and response_data["agentInstanceId"] == instance, body)
        # A second answer to the same question does not resume the workflow twice.
        reply(instance, "again")
        time.sleep(1)
        check(len(calls) == 1, f"{len(calls)} resume calls")
    finally:
        n8n.shutdown()


SCENARIOS = {name: fn for name, fn in list(globals().items()) if callable(fn) and name.split("_")[0] in ("sdk", "wrapper", "n8n") and name != "n8n_request"}


def main():
    wanted = sys.argv[1:] or list(SCENARIOS)
    failed = 0
    for name in wanted:
        started = time.time()
        try:
            SCENARIOS[name]()
            result = {"scenario": name, "ok": True}
        except Exception as e:  # report and go on with the next scenario
            failed += 1
            result = {"scenario": name, "ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
        result["seconds"] = round(time.time() - started, 2)
        print(json.dumps(result), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
