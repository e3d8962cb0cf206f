/* bench-store.c: the daemon's store, SQLite and PostgreSQL: group-commit
 * throughput, and the text of a room at any version.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-store [--database URL] [--ops N] [--history-ops N]
 * Appends N one-character ops to a room through PpdStore, the way rooms do,
 * in batches of 1, 10, 100 and 1000 entries (one transaction each, one batch
 * in flight), and prints entries per second and time per commit. Then types
 * a room of --history-ops ops (with snapshots where rooms take them) and
 * times what GET /api/v1/rooms/{id}/text?v=N costs the store for random N.
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
  char    *text;
  PpdBlameRecord *blame;
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
  else if (tag == ppd_store_get_blame_async)
    w->ok = (w->blame = ppd_store_get_blame_finish (PPD_STORE (source), result, &w->error)) != NULL;
  else if (tag == ppd_store_get_text_async)
    w->ok = (w->text = ppd_store_get_text_finish (PPD_STORE (source), result, &w->error)) != NULL;
  else
    w->ok = ppd_store_commit_finish (PPD_STORE (source), result, NULL, &w->error);
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

static void
create_room (PpdStore    *store,
             PpdRoomInfo *info,
             const char  *text)
{
  g_auto(PpdAccess) access = { 0, };
  Wait w = { 0, };

  info->id = g_strdup_printf ("bench-%08x", g_random_int ());
  info->language = g_strdup ("c");
  info->title = g_strdup ("bench");
  info->created_at = info->updated_at = g_get_real_time ();
  g_free (ppd_access_init_owned (&access));
  ppd_store_create_room_async (store, info, &access, text, NULL, on_done, &w);
  wait_for (&w);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Someone typing for @n_ops keystrokes: mostly characters at a caret that
 * moves now and then, some newlines and backspaces, committed in batches
 * of 50 with a snapshot wherever a room would take one. Then the text at
 * random versions, timed. */
static void
bench_history (PpdStore *store,
               int       n_ops)
{
  g_autoptr(PpDocument) document = pp_document_new ("", 0, 0);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  PpdRoomInfo info = { 0, };
  gint64 snapshot = 0;
  gint64 start;
  gsize caret = 0;
  guint n_queries = 200;
  Wait w = { 0, };

  create_room (store, &info, "");
  start = g_get_monotonic_time ();
  for (gint64 v = 1; v <= n_ops;)
    {
      PpdCommitBatch *batch = ppd_commit_batch_new ();

      for (guint k = 0; k < 50 && v <= n_ops; k++, v++)
        {
          gsize length = pp_document_get_length (document);
          g_autoptr(PpTextOp) op = NULL;
          g_autoptr(PpLogEntry) entry = NULL;
          guint dice = g_rand_int_range (rand, 0, 100);

          if (dice < 3)
            caret = g_rand_int_range (rand, 0, length + 1);
          caret = MIN (caret, length);
          if (dice >= 3 && dice < 12 && caret > 0)
            op = pp_text_op_new_delete (--caret, 1);
          else
            {
              op = pp_text_op_new_insert (caret, dice < 16 ? "\n" : dice < 30 ? " " : "x");
              caret++;
            }
          g_assert_true (pp_document_apply (document, op, NULL));
          entry = pp_log_entry_new (v, op, "u1", "bench-client", v, "Bench", g_get_real_time ());
          ppd_commit_batch_add_entry (batch, info.id, entry);
          if (ppd_store_snapshot_is_due (1000, v - snapshot, pp_document_get_length (document)))
            {
              ppd_commit_batch_add_snapshot (batch, info.id, v, pp_document_dup_text (document));
              snapshot = v;
            }
          info.version = v;
        }
      ppd_commit_batch_set_room (batch, &info);
      w = (Wait) { 0, };
      ppd_store_commit_async (store, batch, NULL, on_done, &w);
      wait_for (&w);
    }
  g_print ("\nhistory: %d ops typed into one room (%" G_GSIZE_FORMAT " characters) in %.1f s\n",
           n_ops, pp_document_get_length (document),
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  for (guint i = 0; i < n_queries; i++)
    {
      gint64 v = g_rand_int_range (rand, 0, n_ops + 1);
      gint64 t0 = g_get_monotonic_time ();
      gint64 elapsed;

      w = (Wait) { 0, };
      ppd_store_get_text_async (store, info.id, v, NULL, on_done, &w);
      wait_for (&w);
      elapsed = g_get_monotonic_time () - t0;
      g_array_append_val (times, elapsed);
      if (v == n_ops)
        {
          g_autofree char *now = pp_document_dup_text (document);

          g_assert_cmpstr (w.text, ==, now);
        }
      g_free (w.text);
    }
  g_array_sort (times, compare_gint64);
  g_print ("text?v=N, %u random N: median %.2f ms, p95 %.2f ms, max %.2f ms\n", n_queries,
           g_array_index (times, gint64, n_queries / 2) / 1000.0,
           g_array_index (times, gint64, n_queries * 95 / 100) / 1000.0,
           g_array_index (times, gint64, n_queries - 1) / 1000.0);

  /* Authorship replays the whole log: its cost grows with N. */
  for (gint64 v = n_ops / 4; v <= n_ops; v += n_ops / 4)
    {
      gint64 t0 = g_get_monotonic_time ();
      guint n_spans;

      w = (Wait) { 0, };
      ppd_store_get_blame_async (store, info.id, v, NULL, on_done, &w);
      wait_for (&w);
      pp_blame_get_spans (w.blame->blame, &n_spans);
      g_print ("blame?v=%" G_GINT64_FORMAT ": %.1f ms (%u spans)\n", v,
               (g_get_monotonic_time () - t0) / 1000.0, n_spans);
      ppd_blame_record_free (w.blame);
    }
  ppd_room_info_clear (&info);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *database = NULL;
  g_autofree char *tmpdir = NULL;
  int n_ops = 20000;
  int n_history_ops = 100000;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_STRING, &database, "Store URL (default: a new SQLite file)",
      "URL" },
    { "ops", 'n', 0, G_OPTION_ARG_INT, &n_ops, "Ops per batch size (default 20000)", "N" },
    { "history-ops", 0, 0, G_OPTION_ARG_INT, &n_history_ops,
      "Ops of the room whose past versions are read (default 100000; 0: skip)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdStore) store = NULL;
  g_autoptr(PpTextOp) op = pp_text_op_new_insert (3, "x");
  static const guint batch_sizes[] = { 1, 10, 100, 1000 };
  PpdRoomInfo info = { 0, };
  Wait w = { 0, };
  gint64 version = 0;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "Measures group-commit throughput of the Pairpad store, "
                                "and reading a room at past versions.");
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

  create_room (store, &info, "abcdef");

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
  if (n_history_ops > 0)
    bench_history (store, n_history_ops);
  g_clear_object (&store);
  if (tmpdir != NULL)
    {
      const char *rm[] = { "rm", "-rf", tmpdir, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }

  return 0;
}
