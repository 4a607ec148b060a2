CREATE TABLE "notification_agent_preferences" (
	"user_id" uuid NOT NULL,
	"agent_type_id" uuid NOT NULL,
	"push_enabled" boolean DEFAULT true NOT NULL,
	"email_enabled" boolean DEFAULT true NOT NULL,
	CONSTRAINT "notification_agent_preferences_user_id_agent_type_id_pk" PRIMARY KEY("user_id","agent_type_id")
);
--> statement-breakpoint
ALTER TABLE "notification_jobs" ADD COLUMN "push_flag" boolean;--> statement-breakpoint
ALTER TABLE "notification_jobs" ADD COLUMN "email_flag" boolean;--> statement-breakpoint
ALTER TABLE "notification_agent_preferences" ADD CONSTRAINT "notification_agent_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_agent_preferences" ADD CONSTRAINT "notification_agent_preferences_agent_type_id_agent_types_id_fk" FOREIGN KEY ("agent_type_id") REFERENCES "public"."agent_types"("id") ON DELETE cascade ON UPDATE no action;