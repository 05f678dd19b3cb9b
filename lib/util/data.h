/* The data files of data/, compiled in by scripts/embed.py. */
#ifndef TG_DATA_H
#define TG_DATA_H
extern const char tg_data_vocab_json[];
extern const char tg_data_places_json[];
extern const char tg_data_names_json[];
extern const char tg_data_common_passwords_txt[];
extern const char tg_data_deadlines_json[];
#endif
