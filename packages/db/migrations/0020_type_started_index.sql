-- A type's instances by start time (the instance list's part shared through a team's agent type
-- reads a type's newest rows from it); it replaces the index on agent_type_id alone, whose
-- lookups (the type's cascade) it serves as well, so writes keep the same number of indexes.
CREATE INDEX "agent_instances_agent_type_id_started_at_id_index" ON "agent_instances" USING btree ("agent_type_id","started_at","id");--> statement-breakpoint
DROP INDEX "agent_instances_agent_type_id_index";
