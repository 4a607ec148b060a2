import { agentClient, publicClient, userClient } from "./clients.ts";

/**
 * A machine of the user, registered as `omnara daemon` would register it: a machine key from a
 * device-code sign-in the user confirmed, and one project (not a git repository unless asked).
 */
export async function newMachine(
  url: string,
  sessionToken: string,
  project: { path: string; isGit?: boolean } = { path: "/srv/project" },
) {
  const started = await publicClient(url).startCliLogin.mutate({ client_name: "test-machine", kind: "machine" });
  await userClient(url, sessionToken).confirmCliLogin.mutate({ user_code: started.user_code });
  const polled = await publicClient(url).pollCliLogin.mutate({ device_code: started.device_code, timeout_seconds: 5 });
  if (!polled.api_key) throw new Error(`the machine sign-in ended ${polled.status}`);
  const machine = agentClient(url, polled.api_key);
  const registered = await machine.registerMachine.mutate({
    name: "test-machine",
    os: "linux test",
    version: "0.0.0",
    projects: [
      {
        path: project.path,
        name: "project",
        is_git: project.isGit ?? false,
        worktree_root: project.isGit ? `${project.path}.worktrees` : null,
      },
    ],
  });
  const projectId = registered.projects[0]?.id;
  if (!projectId) throw new Error("the project was not registered");
  return { apiKey: polled.api_key, machine, machineId: registered.machine_id, projectId };
}
