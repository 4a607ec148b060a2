"""The requests the v1 SDK makes, one function per call, shared by the sync and async mirrors
(the async SDK sends the same method, path, params and JSON over aiohttp)."""

import base64
import uuid

SDK_HEADERS = lambda api_key: {  # noqa: E731
    "Authorization": f"Bearer {api_key}",
    "Content-Type": "application/json",
    "User-Agent": "omnara-python-sdk",
}


def instance_id_str(value) -> str:
    if value is None:
        raise ValueError("agent_instance_id cannot be None")
    if isinstance(value, uuid.UUID):
        return str(value)
    uuid.UUID(value)
    return value


def message_body(content, agent_instance_id, requires_user_input, agent_type, send_push, send_email, send_sms, git_diff):
    body = {"content": content, "requires_user_input": requires_user_input, "agent_instance_id": agent_instance_id}
    if agent_type:
        body["agent_type"] = agent_type
    for key, value in (("send_push", send_push), ("send_email", send_email), ("send_sms", send_sms)):
        if value is not None:
            body[key] = value
    if git_diff is not None:
        body["git_diff"] = base64.b64encode(git_diff.encode("utf-8")).decode("ascii")
    return body
