/* The static files of web/static, compiled in by scripts/embed.py. */
#ifndef TG_WEB_DATA_H
#define TG_WEB_DATA_H
extern const char tg_data_style_css[];
extern const char tg_data_app_js[];
#endif
