/*
 * Writing generated records: every id comes from the run's seed, so the
 * same seed gives the same database content, ids included.
 */
#include "gen/population.h"

/* 2024-01-29T00:00:00Z, the day the founding case was published. */
#define GEN_BASE_MS 1706486400000ULL

void gen_ids_init(gen_ids *ids, uint64_t seed)
{
	tg_rng_seed(&ids->rng, seed ^ 0x7465726765750000ULL);
	ids->ms = GEN_BASE_MS;
}

int gen_create(tg_store *st, gen_ids *ids, const char *entity, json_t *doc,
               char uid[TG_UUID_LEN], tg_error *err)
{
	if (!doc)
		return tg_error_set(err, TG_ENOMEM, entity, _("cannot build the %s document"), entity);
	uint8_t rnd[10];
	uint64_t a = tg_rng_next(&ids->rng), b = tg_rng_next(&ids->rng);
	for (int i = 0; i < 8; i++)
		rnd[i] = (uint8_t)(a >> (8 * i));
	rnd[8] = (uint8_t)b;
	rnd[9] = (uint8_t)(b >> 8);
	char id[TG_UUID_LEN];
	tg_uuid7_from(ids->ms++, rnd, id);
	json_object_set_new(doc, "id", json_string(id));
	int rc = tg_record_create(st, entity, doc, uid, err);
	json_decref(doc);
	return rc;
}
