export type {
  AgentApi,
  AgentInstance,
  CallOptions,
  FieldIssue,
  InstanceStatus,
  Message,
  Metadata,
} from "@omnara/contracts";
export type { Answer } from "./answer.ts";
export type { OmnaraOptions } from "./client-options.ts";
export {
  AuthenticationError,
  type ClientErrorCode,
  InterruptedError,
  NetworkError,
  NotFoundError,
  OmnaraError,
  type OmnaraErrorCode,
  PaymentRequiredError,
  type PlanLimit,
  RateLimitError,
  ServerError,
  SessionEndedError,
  TimeoutError,
  ValidationError,
} from "./errors.ts";
export { Omnara } from "./omnara.ts";
export type { Choices } from "./question.ts";
export type { RetryOptions } from "./retry.ts";
export type {
  AskOptions,
  CallSignal,
  ControlEvent,
  EndStatus,
  LogOptions,
  LogResult,
  Session,
  SessionOptions,
  WaitOptions,
} from "./session.ts";
