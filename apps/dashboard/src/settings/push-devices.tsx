import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BellPlus, Trash2 } from "lucide-react";
import { timeAgo } from "../lib/format-time.ts";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { subscribeWebPush, webPushSupported } from "../lib/web-push.ts";

const channelNames = { apns: "iPhone", fcm: "Android", web_push: "Browser" } as const;

/** This browser's push subscription, and every device that receives pushes. */
export function PushDevices() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const devices = useQuery(trpc.listNotificationDevices.queryOptions({}));
  const settings = useQuery(trpc.getNotificationSettings.queryOptions({}));
  const refresh = () => void queryClient.invalidateQueries(trpc.listNotificationDevices.pathFilter());
  const register = useMutation(trpc.registerNotificationDevice.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.removeNotificationDevice.mutationOptions({ onSuccess: refresh }));
  const enable = useMutation({
    mutationFn: async (publicKey: string) => {
      const subscription = await subscribeWebPush(publicKey);
      if (!subscription)
        throw new Error("Notifications are blocked for this site; allow them in the browser’s site settings.");
      return register.mutateAsync({
        channel: "web_push",
        subscription,
        name: navigator.platform ? `Browser on ${navigator.platform}` : "Browser",
      });
    },
  });
  const publicKey = settings.data?.web_push_public_key;
  const error = enable.error ?? remove.error;

  return (
    <div className="card">
      <dl className="settings-list">
        <div>
          <dt>
            This browser
            <div className="subtle">
              {webPushSupported()
                ? publicKey
                  ? "Get a push when an agent asks you something"
                  : "Web Push is not configured on this server"
                : "This browser can’t receive push (on iPhone, add Omnara to the home screen first)"}
            </div>
          </dt>
          <dd>
            <button
              type="button"
              className="btn btn-sm"
              disabled={!publicKey || !webPushSupported() || enable.isPending}
              onClick={() => publicKey && enable.mutate(publicKey)}
            >
              <BellPlus aria-hidden="true" />
              Enable push here
            </button>
          </dd>
        </div>
        {(devices.data ?? []).map((device) => (
          <div key={device.id}>
            <dt>
              {device.name ?? channelNames[device.channel]} <span className="subtle">…{device.token_hint}</span>
              <div className="subtle">
                {channelNames[device.channel]} · last push {timeAgo(device.last_sent_at)}
                {device.last_failure_reason ? ` · last failure: ${device.last_failure_reason}` : ""}
              </div>
            </dt>
            <dd>
              <button
                type="button"
                className="btn btn-sm btn-ghost btn-danger"
                onClick={() => remove.mutate({ id: device.id })}
                aria-label={`Stop pushes to ${device.name ?? channelNames[device.channel]}`}
              >
                <Trash2 aria-hidden="true" />
              </button>
            </dd>
          </div>
        ))}
      </dl>
      {error ? (
        <p className="form-error" role="alert" style={{ margin: 12 }}>
          {errorMessage(error)}
        </p>
      ) : null}
    </div>
  );
}
