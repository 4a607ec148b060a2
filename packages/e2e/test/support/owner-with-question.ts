import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";

/** A new user whose agent has asked a question on a new instance: the start of most reply tests. */
export async function ownerWithQuestion(url: string, agentType: string, content: string) {
  const owner = await newUserWithKey(url, "owner");
  const id = randomUUID();
  const question = await owner.agent.sendMessage.mutate({
    agent_instance_id: id,
    agent_type: agentType,
    content,
    requires_user_input: true,
  });
  return { owner, id, questionId: question.message_id };
}
