import type { InstanceStatus } from "@omnara/contracts";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Inbox, Search } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { BulkBar, canComplete, canDelete } from "../components/bulk-bar.tsx";
import { InstanceActions } from "../components/instance-actions.tsx";
import { InstanceItem } from "../components/instance-item.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { instanceTitle, sharedTitles } from "../lib/instance-status.ts";
import { useTRPC } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";

const tabs: { id: string; label: string; status: InstanceStatus[] | undefined }[] = [
  // Not ended: active, waiting and offline ones ("Active" alone would say less than it shows).
  { id: "active", label: "Open", status: ["ACTIVE", "AWAITING_INPUT", "DISCONNECTED"] },
  { id: "waiting", label: "Waiting", status: ["AWAITING_INPUT"] },
  { id: "completed", label: "Completed", status: ["COMPLETED", "FAILED"] },
  { id: "all", label: "All", status: undefined },
];

/** The search box's text, sent once typing pauses. */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export default function Instances() {
  const trpc = useTRPC();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const tab = tabs.find((t) => t.id === params.get("tab")) ?? tabs[0];
  const typeId = params.get("type") ?? "";
  const [text, setText] = useState(params.get("q") ?? "");
  const search = useDebounced(text.trim(), 250);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const types = useQuery(trpc.listAgentTypes.queryOptions({ recent_limit: 1 }));

  const setParam = (key: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the settled text is written to the address
  useEffect(() => {
    if ((params.get("q") ?? "") !== search) setParam("q", search);
  }, [search]);

  const list = useInfiniteQuery(
    trpc.listInstances.infiniteQueryOptions(
      {
        limit: 50,
        ...(tab?.status ? { status: tab.status } : {}),
        ...(typeId ? { agent_type_id: typeId } : {}),
        ...(search ? { search } : {}),
      },
      { getNextPageParam: (page) => page.next_cursor ?? undefined },
    ),
  );
  const instances = useMemo(() => list.data?.pages.flatMap((page) => page.instances) ?? [], [list.data]);
  const repeated = useMemo(() => sharedTitles(instances), [instances]);
  // Rows that left the list (filtered out, deleted elsewhere) leave the selection too.
  const chosen = instances.filter((i) => selected.has(i.id));
  const selectable = instances.filter((i) => canComplete(i) || canDelete(i));
  const allChosen = selectable.length > 0 && selectable.every((i) => selected.has(i.id));
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const filtered = Boolean(search || typeId);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Instances</h1>
          <p className="muted">Every run of every agent. Open one to follow it and reply.</p>
        </div>
      </div>
      <div className="toolbar instance-filters">
        <nav className="segmented" aria-label="Instance status">
          {tabs.map((t) => (
            <Link
              key={t.id}
              to={`/instances?${new URLSearchParams({ ...Object.fromEntries(params), tab: t.id })}`}
              aria-current={t.id === tab?.id ? "page" : undefined}
              replace
            >
              {t.label}
            </Link>
          ))}
        </nav>
        <label className="search-field">
          <Search aria-hidden="true" />
          <span className="visually-hidden">Search instances</span>
          <input
            type="search"
            className="input"
            placeholder="Search by name or agent"
            value={text}
            onChange={(event) => setText(event.target.value)}
            maxLength={200}
            data-testid="instance-search"
          />
        </label>
        <label>
          <span className="visually-hidden">Agent type</span>
          <select
            className="select"
            value={typeId}
            onChange={(event) => setParam("type", event.target.value)}
            data-testid="type-filter"
          >
            <option value="">All agents</option>
            {(types.data ?? []).map((type) => (
              <option key={type.id} value={type.id}>
                {type.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <BulkBar selected={chosen} onDone={() => setSelected(new Set())} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : instances.length === 0 ? (
        <div className="card empty">
          <Inbox aria-hidden="true" />
          <p>
            {filtered
              ? "No instances match."
              : tab?.id === "completed"
                ? "No finished instances yet."
                : "No instances here yet."}
          </p>
        </div>
      ) : (
        <>
          <label className="select-all muted">
            <input
              type="checkbox"
              checked={allChosen}
              onChange={() => setSelected(allChosen ? new Set() : new Set(selectable.map((i) => i.id)))}
              data-testid="select-all"
            />
            Select all {selectable.length} shown
          </label>
          <ul className="card instance-list instance-table" style={{ padding: 0 }}>
            {instances.map((instance) => (
              <InstanceItem
                key={instance.id}
                instance={instance}
                now={now}
                disambiguate={repeated.has(instanceTitle(instance))}
                selection={
                  canComplete(instance) || canDelete(instance)
                    ? { selected: selected.has(instance.id), toggle: () => toggle(instance.id) }
                    : undefined
                }
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
