-- A batch create's inserts move their usage themselves, one upsert per group (src/db/usage-fold.ts), as a
-- projection batch does: the insert triggers stand aside while usage_fold is set, which only happens inside
-- that batch's own transaction. Written by hand (drizzle-kit does not know triggers); the triggers as 0009
-- left them, with the usage_fold guard added.
DROP TRIGGER `usage_rollups_insert`;--> statement-breakpoint
DROP TRIGGER `usage_metadata_rollups_insert`;--> statement-breakpoint
CREATE TRIGGER `usage_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' AND NOT EXISTS (SELECT 1 FROM `usage_fold`) BEGIN
	INSERT INTO `usage_rollups` (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	VALUES (new.account_id, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), coalesce(new.api_key_id, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0))
	ON CONFLICT (`account_id`, `day`, `channel`, `country`, `api_key_id`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;--> statement-breakpoint
CREATE TRIGGER `usage_metadata_rollups_insert` AFTER INSERT ON `messages` WHEN new.direction = 'outbound' AND new.metadata IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `usage_fold`) BEGIN
	INSERT INTO `usage_metadata_rollups` (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`, `count`, `segments`, `price`)
	SELECT new.account_id, j.key, j.value, date(new.created_at, 'unixepoch'), new.channel, coalesce(new.country, ''), new.status, coalesce(new.price_unit, ''), substr(new.id, -4), 0, 1, coalesce(new.segments, 0), coalesce(new.price, 0)
	FROM json_each(new.metadata) AS j WHERE true
	ON CONFLICT (`account_id`, `key`, `value`, `day`, `channel`, `country`, `status`, `price_unit`, `born_on`, `archived`) DO UPDATE SET `count` = `count` + excluded.`count`, `segments` = `segments` + excluded.`segments`, `price` = `price` + excluded.`price`;
END;
