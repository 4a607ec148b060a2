CREATE TABLE "instance_counts" (
	"user_id" uuid NOT NULL,
	"agent_type_id" uuid NOT NULL,
	"status" "instance_status" NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "instance_counts_user_id_index" ON "instance_counts" USING btree ("user_id");--> statement-breakpoint
-- Each insert, status change and delete of an instance appends its +1 / -1 rows; a count is the
-- sum of its rows. An instance deleted with its user (a cascade) appends nothing: the user's rows
-- go with the user (below), in whichever order the cascades run.
CREATE FUNCTION "instance_counts_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "instance_counts" VALUES (NEW."user_id", NEW."agent_type_id", NEW."status", 1);
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "instance_counts" VALUES
      (OLD."user_id", OLD."agent_type_id", OLD."status", -1),
      (NEW."user_id", NEW."agent_type_id", NEW."status", 1);
  ELSIF EXISTS (SELECT FROM "users" WHERE "id" = OLD."user_id") THEN
    INSERT INTO "instance_counts" VALUES (OLD."user_id", OLD."agent_type_id", OLD."status", -1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "instance_counts_forget_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "instance_counts" WHERE "user_id" = OLD."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The trigger first: its lock waits out the writers in flight and holds new ones until this
-- migration commits, so the count below sees every instance and later writes append to it.
CREATE TRIGGER "instance_counts_on_insert_or_delete" AFTER INSERT OR DELETE ON "agent_instances"
  FOR EACH ROW EXECUTE FUNCTION "instance_counts_track"();
--> statement-breakpoint
CREATE TRIGGER "instance_counts_on_update" AFTER UPDATE OF "status", "user_id", "agent_type_id" ON "agent_instances"
  FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."user_id" IS DISTINCT FROM NEW."user_id" OR OLD."agent_type_id" IS DISTINCT FROM NEW."agent_type_id")
  EXECUTE FUNCTION "instance_counts_track"();
--> statement-breakpoint
CREATE TRIGGER "instance_counts_on_user_delete" AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "instance_counts_forget_user"();
--> statement-breakpoint
INSERT INTO "instance_counts" SELECT "user_id", "agent_type_id", "status", count(*) FROM "agent_instances" GROUP BY 1, 2, 3;
