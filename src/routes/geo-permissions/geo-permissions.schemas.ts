import { z } from "@hono/zod-openapi";
import { BLOCKABLE_NUMBER_TYPES, GEO_SETTINGS } from "../../domain/geo.ts";

const CountrySchema = z
  .object({
    country: z.string().openapi({ description: "ISO 3166-1 alpha-2 code", example: "NG" }),
    name: z.string().openapi({ example: "Nigeria" }),
    calling_code: z.string().openapi({ example: "+234" }),
    allowed: z.boolean().openapi({ description: "SMS and WhatsApp messages to this country may be created" }),
    high_risk: z.boolean().openapi({ description: "On OmniFlow's high-risk list: blocked until the account allows it" }),
  })
  .openapi("GeoPermissionCountry");

export const GeoPermissionsSchema = z
  .object({
    object: z.literal("geo_permissions"),
    countries: z.array(CountrySchema).openapi({ description: "Every country, in order of code" }),
    number_types: z.record(z.enum(BLOCKABLE_NUMBER_TYPES), z.enum(GEO_SETTINGS)).openapi({
      description: "Number types refused unless the operator allowed them for the account (international_network: +881, +882, +883)",
      example: { premium_rate: "blocked", shared_cost: "blocked", international_network: "blocked" },
    }),
  })
  .openapi("GeoPermissions");
