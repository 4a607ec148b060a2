CREATE TYPE "public"."notification_channel" AS ENUM('apns', 'fcm', 'web_push', 'email');--> statement-breakpoint
CREATE TYPE "public"."notification_event" AS ENUM('question', 'step', 'session_completed', 'session_failed', 'test');--> statement-breakpoint
CREATE TYPE "public"."notification_job_state" AS ENUM('pending', 'planned', 'collapsed');--> statement-breakpoint
CREATE TYPE "public"."notification_outcome" AS ENUM('sent', 'suppressed', 'no_devices', 'failed');--> statement-breakpoint
CREATE TYPE "public"."push_channel" AS ENUM('apns', 'fcm', 'web_push');--> statement-breakpoint
CREATE TABLE "notification_capabilities" (
	"id" text PRIMARY KEY DEFAULT 'server' NOT NULL,
	"channels" jsonb NOT NULL,
	"web_push_public_key" text,
	"dedupe_window_seconds" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"channel" "notification_channel" NOT NULL,
	"device_id" uuid,
	"email_address" text,
	"content" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"channel" "push_channel" NOT NULL,
	"token" text NOT NULL,
	"web_push_keys" jsonb,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sent_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"last_failure_reason" text
);
--> statement-breakpoint
CREATE TABLE "notification_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "notification_jobs_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"agent_instance_id" uuid,
	"message_id" uuid,
	"event" "notification_event" NOT NULL,
	"preview" text,
	"allow_push" boolean NOT NULL,
	"allow_email" boolean NOT NULL,
	"dedupe_key" text,
	"state" "notification_job_state" DEFAULT 'pending' NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"collapsed_into" uuid,
	"count" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "notification_log_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"agent_instance_id" uuid,
	"event" "notification_event" NOT NULL,
	"channel" "notification_channel",
	"device_id" uuid,
	"device_name" text,
	"outcome" "notification_outcome" NOT NULL,
	"reason" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"will_retry" boolean DEFAULT false NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_presence" (
	"user_id" uuid NOT NULL,
	"agent_instance_id" uuid NOT NULL,
	"client_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_presence_user_id_agent_instance_id_client_id_pk" PRIMARY KEY("user_id","agent_instance_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "notification_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"push_enabled" boolean DEFAULT true NOT NULL,
	"email_enabled" boolean DEFAULT false NOT NULL,
	"session_end_enabled" boolean DEFAULT true NOT NULL,
	"quiet_hours_enabled" boolean DEFAULT false NOT NULL,
	"quiet_hours_start" text DEFAULT '22:00' NOT NULL,
	"quiet_hours_end" text DEFAULT '07:00' NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_throttle" (
	"agent_instance_id" uuid PRIMARY KEY NOT NULL,
	"last_sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_job_id_notification_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."notification_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_device_id_notification_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."notification_devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_devices" ADD CONSTRAINT "notification_devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_jobs" ADD CONSTRAINT "notification_jobs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_jobs" ADD CONSTRAINT "notification_jobs_agent_instance_id_agent_instances_id_fk" FOREIGN KEY ("agent_instance_id") REFERENCES "public"."agent_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_log" ADD CONSTRAINT "notification_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_presence" ADD CONSTRAINT "notification_presence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_presence" ADD CONSTRAINT "notification_presence_agent_instance_id_agent_instances_id_fk" FOREIGN KEY ("agent_instance_id") REFERENCES "public"."agent_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD CONSTRAINT "notification_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_throttle" ADD CONSTRAINT "notification_throttle_agent_instance_id_agent_instances_id_fk" FOREIGN KEY ("agent_instance_id") REFERENCES "public"."agent_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_deliveries_done_next_attempt_at_index" ON "notification_deliveries" USING btree ("done","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_devices_channel_token_index" ON "notification_devices" USING btree ("channel","token");--> statement-breakpoint
CREATE INDEX "notification_devices_user_id_index" ON "notification_devices" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "notification_jobs_state_run_at_index" ON "notification_jobs" USING btree ("state","run_at");--> statement-breakpoint
CREATE INDEX "notification_jobs_agent_instance_id_state_index" ON "notification_jobs" USING btree ("agent_instance_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_jobs_dedupe_key_index" ON "notification_jobs" USING btree ("dedupe_key") WHERE "notification_jobs"."dedupe_key" is not null;--> statement-breakpoint
CREATE INDEX "notification_log_user_id_seq_index" ON "notification_log" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "notification_log_job_id_index" ON "notification_log" USING btree ("job_id");