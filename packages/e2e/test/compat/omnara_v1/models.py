"""Response dataclasses with the field sets of the v1 SDK's models. A dataclass raises
TypeError on an unexpected keyword, which is how the real SDK fails on an extra field."""

from dataclasses import dataclass, fields


@dataclass
class Message:
    id: str
    content: str
    sender_type: str
    created_at: str
    requires_user_input: bool


@dataclass
class CreateMessageResponse:
    success: bool
    agent_instance_id: str
    message_id: str
    queued_user_messages: list


@dataclass
class PendingMessagesResponse:
    agent_instance_id: str
    messages: list
    status: str


@dataclass
class EndSessionResponse:
    success: bool
    agent_instance_id: str
    final_status: str


@dataclass
class RegisterAgentInstanceResponse:
    agent_instance_id: str
    agent_type_id: object
    agent_type_name: object
    status: str
    name: object
    instance_metadata: object = None


def field_names(cls) -> set:
    return {f.name for f in fields(cls)}
