import { ErrorBody, type Operation } from "@omnara/contracts";
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: "input" | "output"): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" });

const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");

function operationObject(op: Operation, binding: NonNullable<Operation["rest"]>): JsonSchema {
  const input = schemaOf(op.input, "input");
  const properties = (input["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input["required"] ?? []) as string[]);
  const inPath = pathParams(binding.path);
  const inQuery = binding.method === "GET" || binding.method === "DELETE";
  const parameters = Object.entries(properties)
    .filter(([name]) => inQuery || inPath.includes(name))
    .map(([name, schema]) => ({
      name,
      in: inPath.includes(name) ? "path" : "query",
      required: inPath.includes(name) || required.has(name),
      schema,
    }));
  const bodyProperties = Object.fromEntries(Object.entries(properties).filter(([name]) => !inPath.includes(name)));
  const body =
    !inQuery && Object.keys(bodyProperties).length > 0
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  ...input,
                  properties: bodyProperties,
                  required: [...required].filter((n) => !inPath.includes(n)),
                },
              },
            },
          },
        }
      : {};
  return {
    operationId: op.id,
    summary: op.description.split(". ")[0],
    description: op.description,
    tags: [op.audience],
    ...(op.audience === "public" ? { security: [] } : {}),
    parameters,
    ...body,
    responses: {
      [String(binding.status ?? 200)]: {
        description: "Success",
        content: { "application/json": { schema: schemaOf(op.output, "output") } },
      },
      default: {
        description: "An error: { error: { code, message, issues? }, detail }",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    },
  };
}

/** The OpenAPI 3 document of the REST API, built from the same contracts as the routes. */
export function openApiDocument(operations: readonly Operation[], serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    if (!op.rest) continue;
    const entry = paths[op.rest.path] ?? {};
    const method = op.rest.method.toLowerCase();
    const existing = entry[method];
    // OpenAPI has one operation per path and method; the v1 operation an agent key gets on a
    // path users also call is described beside the user's.
    entry[method] = existing
      ? { ...existing, "x-agent-key-operation": operationObject(op, op.rest) }
      : operationObject(op, op.rest);
    paths[op.rest.path] = entry;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Omnara API",
      version: "1",
      description:
        "Agents authenticate with an API key, users with a session token; both as 'Authorization: Bearer <token>'.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: schemaOf(ErrorBody, "output"),
      },
    },
    paths,
  };
}
