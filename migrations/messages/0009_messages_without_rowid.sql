-- Written by hand (drizzle-kit generated only the two index changes at the end; it cannot say WITHOUT ROWID).
-- D1 bills every index entry an insert writes as a row written, and a rowid table with a text primary key writes
-- two: the row, and the primary key's own index (sqlite_autoindex_messages_1). Rebuilt as a WITHOUT ROWID table the
-- rows are stored in the primary key (id) itself, so an insert writes one fewer row, and every lookup by id and every
-- id range (the convergence pass, retention, the archive) reads the same key as before. message_metadata and
-- verifications the same.
-- SQLite converts a table only by rebuilding it: create the new one, copy, drop, rename, then the indexes and the
-- triggers again (a table's indexes and triggers go with it when it is dropped). The copy runs no trigger (the new
-- table has none yet, and DROP TABLE runs no DELETE trigger), so message_metadata and the usage rollups stay as
-- they are. The triggers below are those of 0003 (message_metadata) and 0008 (the usage rollups), unchanged; a
-- later migration that changes a trigger on `messages` drops and recreates it as usual.
CREATE TABLE `messages_without_rowid` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`mode` text NOT NULL,
	`direction` text DEFAULT 'outbound' NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`from` text NOT NULL,
	`content` text NOT NULL,
	`rendered` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`status_callback` text,
	`error_code` text,
	`error_message` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`provider_latency_ms` integer,
	`content_retention` text DEFAULT 'retain' NOT NULL,
	`redacted_at` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	`encoding` text,
	`segments` integer,
	`fallback` text,
	`fallback_after` integer,
	`send_at` integer,
	`expires_at` integer,
	`attempts` text,
	`delivered_channel` text,
	`from_id` text,
	`projection_seq` integer DEFAULT 0 NOT NULL,
	`metadata` text,
	`batch_id` text,
	`country` text,
	`api_key_id` text,
	`price` integer,
	`price_unit` text,
	`price_status` text,
	`step_prices` text
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `messages_without_rowid` (`id`, `account_id`, `mode`, `direction`, `channel`, `to`, `from`, `content`, `rendered`, `status`, `status_callback`, `error_code`, `error_message`, `created_at`, `delivered_at`, `provider_latency_ms`, `content_retention`, `redacted_at`, `updated_at`, `encoding`, `segments`, `fallback`, `fallback_after`, `send_at`, `expires_at`, `attempts`, `delivered_channel`, `from_id`, `projection_seq`, `metadata`, `batch_id`, `country`, `api_key_id`, `price`, `price_unit`, `price_status`, `step_prices`)
  SELECT `id`, `account_id`, `mode`, `direction`, `channel`, `to`, `from`, `content`, `rendered`, `status`, `status_callback`, `error_code`, `error_message`, `created_at`, `delivered_at`, `provider_latency_ms`, `content_retention`, `redacted_at`, `updated_at`, `encoding`, `segments`, `fallback`, `fallback_after`, `send_at`, `expires_at`, `attempts`, `delivered_channel`, `from_id`, `projection_seq`, `metadata`, `batch_id`, `country`, `api_key_id`, `price`, `price_unit`, `price_status`, `step_prices` FROM `messages`;
--> statement-breakpoint
DROP TABLE `messages`;
--> statement-breakpoint
ALTER TABLE `messages_without_rowid` RENAME TO `messages`;
--> statement-breakpoint
-- message_metadata (the metadata filter's index, one row per key) likewise: its primary key was a second entry per
-- row, so each key of a message with metadata wrote 2 rows; stored in its primary key, 1. Rebuilt after `messages`,
-- whose triggers, which name it, went with the old table: a rename re-reads every trigger, and one that names a
-- dropped table fails it.
CREATE TABLE `message_metadata_without_rowid` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`message_id` text NOT NULL,
	PRIMARY KEY(`account_id`, `key`, `value`, `message_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `message_metadata_without_rowid` (`account_id`, `key`, `value`, `message_id`)
  SELECT `account_id`, `key`, `value`, `message_id` FROM `message_metadata`;
--> statement-breakpoint
DROP TABLE `message_metadata`;
--> statement-breakpoint
ALTER TABLE `message_metadata_without_rowid` RENAME TO `message_metadata`;
--> statement-breakpoint
-- verifications likewise (no trigger names it): a verification's first row wrote its primary key's entry too.
CREATE TABLE `verifications_without_rowid` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`mode` text NOT NULL,
	`to` text NOT NULL,
	`status` text NOT NULL,
	`steps` text NOT NULL,
	`sends` text NOT NULL,
	`code_length` integer NOT NULL,
	`locale` text NOT NULL,
	`check_attempts_remaining` integer NOT NULL,
	`status_callback` text,
	`metadata` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `verifications_without_rowid` (`id`, `account_id`, `mode`, `to`, `status`, `steps`, `sends`, `code_length`, `locale`, `check_attempts_remaining`, `status_callback`, `metadata`, `created_at`, `expires_at`, `updated_at`, `version`)
  SELECT `id`, `account_id`, `mode`, `to`, `status`, `steps`, `sends`, `code_length`, `locale`, `check_attempts_remaining`, `status_callback`, `metadata`, `created_at`, `expires_at`, `updated_at`, `version` FROM `verifications`;
--> statement-breakpoint
DROP TABLE `verifications`;
--> statement-breakpoint
ALTER TABLE `verifications_without_rowid` RENAME TO `verifications`;
--> statement-breakpoint
CREATE INDEX `verifications_account_id_idx` ON `verifications` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `verifications_account_status_idx` ON `verifications` (`account_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `verifications_account_to_idx` ON `verifications` (`account_id`,`to`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_id_idx` ON `messages` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_channel_idx` ON `messages` (`account_id`,`channel`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_to_idx` ON `messages` (`account_id`,`to`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_inbound_idx` ON `messages` (`account_id`,`id`) WHERE "messages"."direction" = 'inbound';--> statement-breakpoint
CREATE INDEX `messages_account_batch_idx` ON `messages` (`account_id`,`batch_id`,`id`) WHERE "messages"."batch_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_scheduled_idx` ON `messages` (`send_at`) WHERE "messages"."status" = 'scheduled';--> statement-breakpoint
-- Changed (drizzle-kit's part): every status but queued in the status index, and the queued rows' own index keyed
-- for both its readers (src/db/message-schema.ts).
CREATE INDEX `messages_account_status_idx` ON `messages` (`account_id`,`status`,`id`) WHERE "messages"."status" <> 'queued';--> statement-breakpoint
CREATE INDEX `messages_queued_idx` ON `messages` (`account_id`,`status`,`id`,`updated_at`) WHERE "messages"."status" = 'queued';--> statement-breakpoint
CREATE TRIGGER `message_metadata_insert` AFTER INSERT ON `messages` WHEN NEW.`metadata` IS NOT NULL BEGIN
  INSERT OR IGNORE INTO `message_metadata` (`account_id`, `key`, `value`, `message_id`)
    SELECT NEW.`account_id`, `key`, `value`, NEW.`id` FROM json_each(NEW.`metadata`);
END;--> statement-breakpoint
CREATE TRIGGER `message_metadata_delete` AFTER DELETE ON `messages` WHEN OLD.`metadata` IS NOT NULL BEGIN
  DELETE FROM `message_metadata` WHERE `account_id` = OLD.`account_id` AND `message_id` = OLD.`id`
    AND (`key`, `value`) IN (SELECT `key`, `value` FROM json_each(OLD.`metadata`));
END;--> statement-breakpoint
CREATE TRIGGER `usage_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	VALUES (new.account_id, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), coalesce(new.api_key_id, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollups_update` AFTER UPDATE OF `status`, `price`, `price_unit` ON `messages`
WHEN old.direction = 'outbound' AND NOT EXISTS (SELECT 1 FROM `usage_fold`) AND (old.status IS NOT new.status OR old.price IS NOT new.price OR old.price_unit IS NOT new.price_unit) BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	VALUES (old.account_id, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), coalesce(old.api_key_id, ''), old.status, coalesce(old.price_unit, ''), substr(old.id, -4), 0, -1, -coalesce(old.segments, 0), -coalesce(old.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	VALUES (new.account_id, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), coalesce(new.api_key_id, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollups_delete` AFTER DELETE ON `messages` WHEN old.direction = 'outbound' BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	VALUES (old.account_id, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), coalesce(old.api_key_id, ''), old.status, coalesce(old.price_unit, ''), substr(old.id, -4), 0, -1, -coalesce(old.segments, 0), -coalesce(old.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
-- The same by metadata key and value, for the outbound rows that have metadata (usage_metadata_rollups).
CREATE TRIGGER `usage_metadata_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' AND new.metadata IS NOT NULL BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	SELECT new.account_id, j.key, j.value, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0)
	FROM json_each(new.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_metadata_rollups_update` AFTER UPDATE OF `status`, `price`, `price_unit` ON `messages`
WHEN old.direction = 'outbound' AND old.metadata IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `usage_fold`) AND (old.status IS NOT new.status OR old.price IS NOT new.price OR old.price_unit IS NOT new.price_unit) BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	SELECT old.account_id, j.key, j.value, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), old.status, coalesce(old.price_unit, ''), substr(old.id, -4), 0, -1, -coalesce(old.segments, 0), -coalesce(old.price, 0)
	FROM json_each(old.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	SELECT new.account_id, j.key, j.value, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0)
	FROM json_each(new.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_metadata_rollups_delete` AFTER DELETE ON `messages` WHEN old.direction = 'outbound' AND old.metadata IS NOT NULL BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	SELECT old.account_id, j.key, j.value, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), old.status, coalesce(old.price_unit, ''), substr(old.id, -4), 0, -1, -coalesce(old.segments, 0), -coalesce(old.price, 0)
	FROM json_each(old.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
