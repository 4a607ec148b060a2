import { randomUUID } from "node:crypto";
import type { Operation } from "@omnara/contracts";
import { z } from "zod";

/** Ids that exist and belong to the fuzzing account, so seeds reach past the 404s. */
export interface World {
  instanceId: string;
  messageId: string;
}

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
};

const isSchema = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null;

/** The operation's input as JSON Schema (what its REST and MCP clients see). */
export function inputSchema(op: Operation): JsonSchema {
  const schema: unknown = z.toJSONSchema(op.input, { io: "input", unrepresentable: "any" });
  return isSchema(schema) ? schema : {};
}

/** Input fields by name: what a mutation may replace. */
export const inputFields = (op: Operation): string[] => Object.keys(inputSchema(op).properties ?? {});

/**
 * Fields that take free text (no format, no enum) or free-form JSON objects: where unstorable
 * characters reach the database instead of being refused by validation.
 */
export function textFields(op: Operation): { text: string[]; json: string[] } {
  const text: string[] = [];
  const json: string[] = [];
  for (const [name, property] of Object.entries(inputSchema(op).properties ?? {})) {
    const options = property.anyOf ?? property.oneOf ?? [property];
    if (options.some((o) => o.type === "string" && !o.format && !o.enum && o.const === undefined)) text.push(name);
    else if (options.some((o) => o.type === "object" && !o.properties)) json.push(name);
  }
  return { text, json };
}

const MESSAGE_FIELDS = new Set(["message_id", "after_message_id", "last_read_message_id", "before_message_id"]);

function valueFor(name: string, schema: JsonSchema, world: World): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    const option = options.find((o) => o.type !== "null") ?? options[0];
    return option ? valueFor(name, option, world) : null;
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      if (name === "agent_instance_id") return world.instanceId;
      if (MESSAGE_FIELDS.has(name)) return world.messageId;
      if (schema.format === "uuid") return randomUUID();
      if (schema.format === "email") return `fuzz-${randomUUID()}@example.com`;
      return "f".repeat(Math.max(schema.minLength ?? 1, name === "password" ? 12 : 1));
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return Object.fromEntries(
        (schema.required ?? []).flatMap((key) => {
          const property = schema.properties?.[key];
          return property ? [[key, valueFor(key, property, world)]] : [];
        }),
      );
    default:
      return "f";
  }
}

/**
 * A plausible input built from the contract alone: required fields, the minimum of every
 * number (waits of 0 s), ids of the fuzzing account. Mutations start from it.
 */
export function seedInput(op: Operation, world: World): Record<string, unknown> {
  const schema = inputSchema(op);
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valueFor(name, property, world)]),
  );
}
