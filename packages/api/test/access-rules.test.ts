import { defineOperation, type Operation } from "@omnara/contracts";
import { expect, test } from "vitest";
import { z } from "zod";
import { fromContract } from "../src/from-contract.ts";
import { userProcedure } from "../src/trpc.ts";

test("a user operation without an access rule is refused when its procedure is built", () => {
  // Built past the type check on purpose: a registry edit that drops the rule at run time.
  const ruleless: Operation = {
    ...defineOperation({
      id: "ruleless",
      audience: "user",
      access: "account",
      kind: "query",
      description: "test",
      input: z.object({}),
      output: z.object({}),
    }),
    access: undefined,
  };
  expect(() => fromContract(userProcedure, ruleless, () => ({}))).toThrow(/needs an access rule/);
});
