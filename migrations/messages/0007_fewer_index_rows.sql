DROP INDEX `messages_account_direction_idx`;--> statement-breakpoint
CREATE INDEX `messages_account_inbound_idx` ON `messages` (`account_id`,`id`) WHERE "messages"."direction" = 'inbound';