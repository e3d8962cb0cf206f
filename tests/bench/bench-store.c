/* bench-store.c: group-commit throughput of the daemon's store, SQLite and PostgreSQL.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-store [--database URL] [--ops N]
 * Appends N one-character ops to a room through PpdStore, the way rooms do,
 * in batches of 1, 10, 100 and 1000 entries (one transaction each, one batch
 * in flight), and prints entries per second and time per commit.
 */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <locale.h>

#include "ppd-store.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *w = data;
  gpointer tag = g_task_get_source_tag (G_TASK (result));

  if (tag == ppd_store_open_async)
    w->ok = ppd_store_open_finish (PPD_STORE (source), result, &w->error);
  else if (tag == ppd_store_create_room_async)
    w->ok = ppd_store_create_room_finish (PPD_STORE (source), result, &w->error);
  else
    w->ok = ppd_store_commit_finish (PPD_STORE (source), result, &w->error);
  w->done = TRUE;
}

static void
wait_for (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
  if (!w->ok)
    g_error ("%s", w->error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *database = NULL;
  g_autofree char *tmpdir = NULL;
  int n_ops = 20000;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &database, "Store URL (default: a new SQLite file)",
      "URL" },
    { "ops", 'n', 0, G_OPTION_ARG_INT, &n_ops, "Ops per batch size (default 20000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdStore) store = NULL;
  g_autoptr(PpTextOp) op = pp_text_op_new_insert (3, "x");
  static const guint batch_sizes[] = { 1, 10, 100, 1000 };
  PpdRoomInfo info = { 0, };
  g_auto(PpdAccess) access = { 0, };
  Wait w = { 0, };
  gint64 version = 0;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "Measures group-commit throughput of the Pairpad store.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (database == NULL)
    {
      tmpdir = g_dir_make_tmp ("pairpad-bench-XXXXXX", NULL);
      database = g_strdup_printf ("sqlite://%s/bench.db", tmpdir);
    }

  store = ppd_store_new (database, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  ppd_store_open_async (store, NULL, on_done, &w);
  wait_for (&w);

  info.id = g_strdup_printf ("bench-%08x", g_random_int ());
  info.language = g_strdup ("c");
  info.title = g_strdup ("bench");
  info.created_at = info.updated_at = g_get_real_time ();
  w = (Wait) { 0, };
  g_free (ppd_access_init_owned (&access));
  ppd_store_create_room_async (store, &info, &access, "abcdef", NULL, on_done, &w);
  wait_for (&w);

  g_print ("store: %s (%s), %d ops per batch size\n", ppd_store_get_provider_name (store),
           database, n_ops);
  g_print ("%-10s %14s %16s\n", "batch", "ops/s", "µs per commit");

  for (guint b = 0; b < G_N_ELEMENTS (batch_sizes); b++)
    {
      guint size = batch_sizes[b];
      guint n_batches = MAX (1, n_ops / size);
      gint64 start = g_get_monotonic_time ();
      double seconds;

      for (guint i = 0; i < n_batches; i++)
        {
          PpdCommitBatch *batch = ppd_commit_batch_new ();

          for (guint k = 0; k < size; k++)
            {
              g_autoptr(PpLogEntry) entry = NULL;

              version++;
              entry = pp_log_entry_new (version, op, "u1", "bench-client", version, "Bench",
                                        g_get_real_time ());
              ppd_commit_batch_add_entry (batch, info.id, entry);
            }
          info.version = version;
          ppd_commit_batch_set_room (batch, &info);

          w = (Wait) { 0, };
          ppd_store_commit_async (store, batch, NULL, on_done, &w);
          wait_for (&w);
        }

      seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_print ("%-10u %14.0f %16.1f\n", size, n_batches * size / seconds,
               seconds * G_USEC_PER_SEC / n_batches);
    }

  ppd_room_info_clear (&info);
  g_clear_object (&store);
  if (tmpdir != NULL)
    {
      const char *rm[] = { "rm", "-rf", tmpdir, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }

  return 0;
}
