"""Mirror of the v1 SDK's OmnaraClient (requests). Every public method sends what the SDK sends
and parses what it parses."""

import time
import uuid
from urllib.parse import urljoin

import requests

from .errors import APIError, AuthenticationError, TimeoutError
from .models import CreateMessageResponse, EndSessionResponse, Message, PendingMessagesResponse, RegisterAgentInstanceResponse
from .wire import SDK_HEADERS, instance_id_str, message_body


class OmnaraClient:
    def __init__(self, api_key: str, base_url: str, timeout: int = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(SDK_HEADERS(api_key))
        # Every raw JSON answer, so the suite can compare whole field sets.
        self.raw = []

    def _make_request(self, method, endpoint, json=None, params=None):
        url = urljoin(self.base_url, endpoint)
        try:
            response = self.session.request(method=method, url=url, json=json, params=params, timeout=self.timeout)
        except requests.exceptions.Timeout:
            raise TimeoutError(f"Request timed out after {self.timeout} seconds")
        except requests.exceptions.RequestException as e:
            raise APIError(0, f"Request failed: {e}")
        if response.status_code == 401:
            raise AuthenticationError("Invalid API key or authentication failed")
        if not response.ok:
            try:
                detail = response.json().get("detail", response.text)
            except Exception:
                detail = response.text
            raise APIError(response.status_code, detail)
        data = response.json()
        self.raw.append((method, endpoint, data))
        return data

    def send_message(self, content, agent_type=None, agent_instance_id=None, requires_user_input=False,
                     timeout_minutes=1440, poll_interval=10.0, send_push=None, send_email=None, send_sms=None,
                     git_diff=None):
        if not agent_instance_id:
            if not agent_type:
                raise ValueError("agent_type is required when creating a new instance")
            agent_instance_id = uuid.uuid4()
        instance_id = instance_id_str(agent_instance_id)
        body = message_body(content, instance_id, requires_user_input, agent_type, send_push, send_email, send_sms, git_diff)
        response = self._make_request("POST", "/api/v1/messages/agent", json=body)
        result = CreateMessageResponse(
            success=response["success"],
            agent_instance_id=response["agent_instance_id"],
            message_id=response["message_id"],
            queued_user_messages=[m["content"] if isinstance(m, dict) else m for m in response.get("queued_user_messages", [])],
        )
        if not requires_user_input:
            return result
        deadline = time.time() + timeout_minutes * 60
        while time.time() < deadline:
            pending = self.get_pending_messages(instance_id, result.message_id)
            if pending.status == "stale":
                raise TimeoutError("Another process has read the messages")
            if pending.messages:
                result.queued_user_messages = [m.content for m in pending.messages]
                return result
            time.sleep(poll_interval)
        raise TimeoutError(f"Question timed out after {timeout_minutes} minutes")

    def register_agent_instance(self, *, agent_type, transport="ws", agent_instance_id=None, name=None):
        payload = {"agent_type": agent_type, "transport": transport}
        target = None
        if agent_instance_id:
            target = instance_id_str(agent_instance_id)
            payload["agent_instance_id"] = target
        if name is not None:
            payload["name"] = name
        try:
            response = self._make_request("POST", "/api/v1/agent-instances", json=payload)
        except APIError as err:
            if err.status_code == 409 and target:
                detail = self._make_request("GET", f"/api/v1/agent-instances/{target}", params={"message_limit": 0})
                return RegisterAgentInstanceResponse(
                    agent_instance_id=detail["id"],
                    agent_type_id=detail.get("agent_type_id"),
                    agent_type_name=detail.get("agent_type_name"),
                    status=detail.get("status", ""),
                    name=None,
                    instance_metadata=detail.get("instance_metadata"),
                )
            raise
        instance_id = response.get("agent_instance_id") or response.get("id")
        if instance_id is None:
            raise KeyError("agent_instance_id")
        return RegisterAgentInstanceResponse(
            agent_instance_id=instance_id,
            agent_type_id=response.get("agent_type_id"),
            agent_type_name=response.get("agent_type_name"),
            status=response.get("status", ""),
            name=response.get("name"),
            instance_metadata=response.get("instance_metadata"),
        )

    def get_pending_messages(self, agent_instance_id, last_read_message_id=None):
        params = {"agent_instance_id": instance_id_str(agent_instance_id)}
        if last_read_message_id:
            params["last_read_message_id"] = last_read_message_id
        response = self._make_request("GET", "/api/v1/messages/pending", params=params)
        return PendingMessagesResponse(
            agent_instance_id=response["agent_instance_id"],
            messages=[Message(**m) for m in response["messages"]],
            status=response["status"],
        )

    def send_user_message(self, agent_instance_id, content, mark_as_read=True):
        body = {"agent_instance_id": str(instance_id_str(agent_instance_id)), "content": content, "mark_as_read": mark_as_read}
        return self._make_request("POST", "/api/v1/messages/user", json=body)

    def request_user_input(self, message_id, timeout_minutes=1440, poll_interval=10.0):
        message_id = str(message_id)
        response = self._make_request("PATCH", f"/api/v1/messages/{message_id}/request-input")
        instance_id = response["agent_instance_id"]
        messages = response.get("messages", [])
        if messages:
            return [m["content"] for m in messages]
        deadline = time.time() + timeout_minutes * 60
        while time.time() < deadline:
            pending = self.get_pending_messages(instance_id, message_id)
            if pending.status == "stale":
                raise TimeoutError("Another process has read the messages")
            if pending.messages:
                return [m.content for m in pending.messages]
            time.sleep(poll_interval)
        raise TimeoutError(f"No user response received after {timeout_minutes} minutes")

    def update_agent_instance_status(self, agent_instance_id, status):
        endpoint = f"/api/v1/agent-instances/{instance_id_str(agent_instance_id)}/status"
        return self._make_request("PUT", endpoint, json={"status": status})

    def end_session(self, agent_instance_id):
        response = self._make_request("POST", "/api/v1/sessions/end", json={"agent_instance_id": instance_id_str(agent_instance_id)})
        return EndSessionResponse(
            success=response["success"], agent_instance_id=response["agent_instance_id"], final_status=response["final_status"]
        )

    def close(self):
        self.session.close()
