-- Written by hand below drizzle-kit's table rebuilds: the six usage triggers
-- of 0006 go first (recreated at the end with the rollups' new key columns).
DROP TRIGGER IF EXISTS `usage_rollups_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `usage_rollups_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `usage_rollups_delete`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `usage_metadata_rollups_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `usage_metadata_rollups_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `usage_metadata_rollups_delete`;--> statement-breakpoint
CREATE TABLE `usage_fold` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_usage_metadata_rollups` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`status` text NOT NULL,
	`price_unit` text NOT NULL,
	`born_on` text NOT NULL,
	`archived` integer DEFAULT 0 NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`segments` integer DEFAULT 0 NOT NULL,
	`price` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`)
);
--> statement-breakpoint
-- By hand: the rows' figures counted again from the messages, each under its id's shard; what the old
-- rollups held beyond them is the archive's (rows it took out of D1), kept as archived with no shard ("").
INSERT INTO `__new_usage_metadata_rollups` ("account_id", "key", "value", "day", "channel", "country", "status", "price_unit", "born_on", "archived", "count", "segments", "price")
	SELECT m.account_id, j.key, j.value, date(m.created_at, 'unixepoch'), m.channel, coalesce(m.country, ''), m.status, coalesce(m.price_unit, ''), substr(m.id, -4), 0,
		count(*), sum(coalesce(m.segments, 0)), sum(coalesce(m.price, 0))
	FROM `messages` m, json_each(m.metadata) j WHERE m.direction = 'outbound' AND m.metadata IS NOT NULL
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;--> statement-breakpoint
INSERT INTO `__new_usage_metadata_rollups` ("account_id", "key", "value", "day", "channel", "country", "status", "price_unit", "born_on", "archived", "count", "segments", "price")
	SELECT o.account_id, o.key, o.value, o.day, o.channel, o.country, o.status, o.price_unit, '', 1,
		o.count - coalesce(l.count, 0), o.segments - coalesce(l.segments, 0), o.price - coalesce(l.price, 0)
	FROM `usage_metadata_rollups` o LEFT JOIN (
		SELECT account_id, key, value, day, channel, country, status, price_unit, sum(count) AS count, sum(segments) AS segments, sum(price) AS price
		FROM `__new_usage_metadata_rollups` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
	) l USING (account_id, key, value, day, channel, country, status, price_unit)
	WHERE o.count IS NOT coalesce(l.count, 0) OR o.segments IS NOT coalesce(l.segments, 0) OR o.price IS NOT coalesce(l.price, 0);--> statement-breakpoint
DROP TABLE `usage_metadata_rollups`;--> statement-breakpoint
ALTER TABLE `__new_usage_metadata_rollups` RENAME TO `usage_metadata_rollups`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_usage_rollups` (
	`account_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`country` text NOT NULL,
	`api_key_id` text NOT NULL,
	`status` text NOT NULL,
	`price_unit` text NOT NULL,
	`born_on` text NOT NULL,
	`archived` integer DEFAULT 0 NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`segments` integer DEFAULT 0 NOT NULL,
	`price` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`)
);
--> statement-breakpoint
INSERT INTO `__new_usage_rollups` ("account_id", "day", "channel", "country", "api_key_id", "status", "price_unit", "born_on", "archived", "count", "segments", "price")
	SELECT account_id, date(created_at, 'unixepoch'), channel, coalesce(country, ''), coalesce(api_key_id, ''), status, coalesce(price_unit, ''), substr(id, -4), 0,
		count(*), sum(coalesce(segments, 0)), sum(coalesce(price, 0))
	FROM `messages` WHERE direction = 'outbound'
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
INSERT INTO `__new_usage_rollups` ("account_id", "day", "channel", "country", "api_key_id", "status", "price_unit", "born_on", "archived", "count", "segments", "price")
	SELECT o.account_id, o.day, o.channel, o.country, o.api_key_id, o.status, o.price_unit, '', 1,
		o.count - coalesce(l.count, 0), o.segments - coalesce(l.segments, 0), o.price - coalesce(l.price, 0)
	FROM `usage_rollups` o LEFT JOIN (
		SELECT account_id, day, channel, country, api_key_id, status, price_unit, sum(count) AS count, sum(segments) AS segments, sum(price) AS price
		FROM `__new_usage_rollups` GROUP BY 1, 2, 3, 4, 5, 6, 7
	) l USING (account_id, day, channel, country, api_key_id, status, price_unit)
	WHERE o.count IS NOT coalesce(l.count, 0) OR o.segments IS NOT coalesce(l.segments, 0) OR o.price IS NOT coalesce(l.price, 0);--> statement-breakpoint
DROP TABLE `usage_rollups`;--> statement-breakpoint
ALTER TABLE `__new_usage_rollups` RENAME TO `usage_rollups`;
--> statement-breakpoint
-- Written by hand (drizzle-kit does not generate triggers): the triggers of 0006 again, each figure now
-- under the shard its message was created on (the id's last 4 hex digits), not archived. usage_rollups
-- is kept equal to a sum over the outbound rows plus the archive's figures (src/db/message-schema.ts),
-- moved in the same statement as any insert, change of status or price, or delete; except the changes of a
-- projection batch, which moves them in its own transaction while usage_fold is set (src/db/usage-fold.ts).
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
