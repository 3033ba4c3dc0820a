CREATE TABLE `usage_metadata_rollups` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`status` text NOT NULL,
	`price_unit` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`segments` integer DEFAULT 0 NOT NULL,
	`price` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`)
);
--> statement-breakpoint
CREATE TABLE `usage_rollups` (
	`account_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`api_key_id` text NOT NULL,
	`status` text NOT NULL,
	`price_unit` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`segments` integer DEFAULT 0 NOT NULL,
	`price` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`)
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `country` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `api_key_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `price` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `price_unit` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `price_status` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `step_prices` text;
--> statement-breakpoint
-- Written by hand (drizzle-kit does not generate triggers): usage_rollups kept
-- equal to a sum over the outbound rows (src/db/message-schema.ts), moved in
-- the same statement as any insert, change of status or price, or delete.
CREATE TRIGGER `usage_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `count`, `segments`, `price`)
	VALUES (new.account_id, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), coalesce(new.api_key_id, ''), new.status, coalesce(new.price_unit, ''), 1, coalesce(new.segments, 0), coalesce(new.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollups_update` AFTER UPDATE OF `status`, `price`, `price_unit` ON `messages`
WHEN old.direction = 'outbound' AND (old.status IS NOT new.status OR old.price IS NOT new.price OR old.price_unit IS NOT new.price_unit) BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `count`, `segments`, `price`)
	VALUES (old.account_id, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), coalesce(old.api_key_id, ''), old.status, coalesce(old.price_unit, ''), -1, -coalesce(old.segments, 0), -coalesce(old.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `count`, `segments`, `price`)
	VALUES (new.account_id, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), coalesce(new.api_key_id, ''), new.status, coalesce(new.price_unit, ''), 1, coalesce(new.segments, 0), coalesce(new.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_rollups_delete` AFTER DELETE ON `messages` WHEN old.direction = 'outbound' BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `count`, `segments`, `price`)
	VALUES (old.account_id, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), coalesce(old.api_key_id, ''), old.status, coalesce(old.price_unit, ''), -1, -coalesce(old.segments, 0), -coalesce(old.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
-- The same by metadata key and value, for the outbound rows that have metadata (usage_metadata_rollups).
CREATE TRIGGER `usage_metadata_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' AND new.metadata IS NOT NULL BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `count`, `segments`, `price`)
	SELECT new.account_id, j.key, j.value, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), new.status, coalesce(new.price_unit, ''), 1, coalesce(new.segments, 0), coalesce(new.price, 0)
	FROM json_each(new.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_metadata_rollups_update` AFTER UPDATE OF `status`, `price`, `price_unit` ON `messages`
WHEN old.direction = 'outbound' AND old.metadata IS NOT NULL AND (old.status IS NOT new.status OR old.price IS NOT new.price OR old.price_unit IS NOT new.price_unit) BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `count`, `segments`, `price`)
	SELECT old.account_id, j.key, j.value, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), old.status, coalesce(old.price_unit, ''), -1, -coalesce(old.segments, 0), -coalesce(old.price, 0)
	FROM json_each(old.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `count`, `segments`, `price`)
	SELECT new.account_id, j.key, j.value, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), new.status, coalesce(new.price_unit, ''), 1, coalesce(new.segments, 0), coalesce(new.price, 0)
	FROM json_each(new.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
--> statement-breakpoint
CREATE TRIGGER `usage_metadata_rollups_delete` AFTER DELETE ON `messages` WHEN old.direction = 'outbound' AND old.metadata IS NOT NULL BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `count`, `segments`, `price`)
	SELECT old.account_id, j.key, j.value, date(old.created_at, 'unixepoch'), old.channel, coalesce(old.country, ''), old.status, coalesce(old.price_unit, ''), -1, -coalesce(old.segments, 0), -coalesce(old.price, 0)
	FROM json_each(old.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
