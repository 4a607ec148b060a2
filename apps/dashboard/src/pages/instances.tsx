import type { InstanceStatus } from "@omnara/contracts";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import { Link, useSearchParams } from "react-router";
import { InstanceActions } from "../components/instance-actions.tsx";
import { InstanceItem } from "../components/instance-item.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { useTRPC } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";

const tabs: { id: string; label: string; status: InstanceStatus[] | undefined }[] = [
  { id: "active", label: "Active", status: ["ACTIVE", "AWAITING_INPUT", "DISCONNECTED"] },
  { id: "completed", label: "Completed", status: ["COMPLETED", "FAILED"] },
  { id: "all", label: "All", status: undefined },
];

export default function Instances() {
  const trpc = useTRPC();
  const now = useNow();
  const [params] = useSearchParams();
  const tab = tabs.find((t) => t.id === params.get("tab")) ?? tabs[0];
  const list = useInfiniteQuery(
    trpc.listInstances.infiniteQueryOptions(
      { limit: 50, ...(tab?.status ? { status: tab.status } : {}) },
      { getNextPageParam: (page) => page.next_cursor ?? undefined },
    ),
  );
  const instances = list.data?.pages.flatMap((page) => page.instances) ?? [];

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Instances</h1>
          <p className="muted">Every run of every agent. Open one to follow it and reply.</p>
        </div>
      </div>
      <div className="toolbar">
        <nav className="segmented" aria-label="Instance status">
          {tabs.map((t) => (
            <Link key={t.id} to={`/instances?tab=${t.id}`} aria-current={t.id === tab?.id ? "page" : undefined} replace>
              {t.label}
            </Link>
          ))}
        </nav>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : instances.length === 0 ? (
        <div className="card empty">
          <Inbox aria-hidden="true" />
          <p>{tab?.id === "completed" ? "No finished instances yet." : "No instances here yet."}</p>
        </div>
      ) : (
        <>
          <ul className="card instance-list instance-table" style={{ padding: 0 }}>
            {instances.map((instance) => (
              <InstanceItem
                key={instance.id}
                instance={instance}
                now={now}
                actions={<InstanceActions instance={instance} />}
              />
            ))}
          </ul>
          {list.hasNextPage ? (
            <div className="load-older">
              <button
                type="button"
                className="btn"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
