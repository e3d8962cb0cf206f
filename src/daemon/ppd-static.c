/* ppd-static.c: serves the browser client's files, with caching, compression and security headers.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-static"

#include "config.h"

#include <string.h>

#include "ppd-static.h"

/* The client is a few immutable files (Vite's build), so each is read and
 * gzipped once, on a worker thread, and then served from memory. `/` and
 * `/r/{room}` are the app's own routes and get index.html. Files under
 * assets/ carry a content hash in their name and are cached for a year;
 * index.html is revalidated every time, so a new build takes effect at
 * the next load. */

#define IMMUTABLE_PREFIX "assets/"
#define MAX_FILE_BYTES (64 * 1024 * 1024)

struct _PpdStatic
{
  GObject     parent_instance;

  /* Owned */
  char       *root;
  GHashTable *cache;     /* relative path → CachedFile (main thread only) */
  GHashTable *loading;   /* relative path → GPtrArray of SoupServerMessage */
};

G_DEFINE_FINAL_TYPE (PpdStatic, ppd_static, G_TYPE_OBJECT)

typedef struct
{
  GBytes     *body;
  GBytes     *gzipped;    /* NULL when compression does not pay */
  const char *mime;
  char       *etag;
} CachedFile;

typedef struct
{
  PpdStatic *self;
  char      *relative;
  char      *absolute;
} Load;

static const struct
{
  const char *suffix;
  const char *mime;
  gboolean    compress;
} mime_types[] = {
  { ".html", "text/html; charset=utf-8", TRUE },
  { ".js", "text/javascript; charset=utf-8", TRUE },
  { ".mjs", "text/javascript; charset=utf-8", TRUE },
  { ".css", "text/css; charset=utf-8", TRUE },
  { ".json", "application/json; charset=utf-8", TRUE },
  { ".map", "application/json; charset=utf-8", TRUE },
  { ".svg", "image/svg+xml", TRUE },
  { ".txt", "text/plain; charset=utf-8", TRUE },
  { ".wasm", "application/wasm", TRUE },
  { ".ttf", "font/ttf", TRUE },
  { ".woff", "font/woff", FALSE },
  { ".woff2", "font/woff2", FALSE },
  { ".png", "image/png", FALSE },
  { ".ico", "image/x-icon", TRUE },
  { ".webp", "image/webp", FALSE },
};

static void
cached_file_free (CachedFile *file)
{
  g_clear_pointer (&file->body, g_bytes_unref);
  g_clear_pointer (&file->gzipped, g_bytes_unref);
  g_free (file->etag);
  g_free (file);
}

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_free (load->relative);
  g_free (load->absolute);
  g_free (load);
}

static gboolean
mime_for (const char  *path,
          const char **mime)
{
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    {
      if (g_str_has_suffix (path, mime_types[i].suffix))
        {
          *mime = mime_types[i].mime;
          return mime_types[i].compress;
        }
    }

  *mime = "application/octet-stream";
  return FALSE;
}

static GBytes *
gzip_bytes (GBytes *input)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize n_bytes;
  const guint8 *data = g_bytes_get_data (input, &n_bytes);

  if (!g_output_stream_write_all (out, data, n_bytes, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Worker thread: read and compress one file. */
static void
load_file (GTask        *task,
           gpointer      source,
           gpointer      data,
           GCancellable *cancellable)
{
  Load *load = data;
  g_autoptr(GFile) file = g_file_new_for_path (load->absolute);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  CachedFile *cached;
  char *contents = NULL;
  gsize n_bytes;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE
                            "," G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE,
                            cancellable, &error);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
      g_file_info_get_size (info) > MAX_FILE_BYTES ||
      !g_file_load_contents (file, cancellable, &contents, &n_bytes, NULL, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not found");
      return;
    }

  cached = g_new0 (CachedFile, 1);
  cached->body = g_bytes_new_take (contents, n_bytes);
  if (mime_for (load->relative, &cached->mime) && n_bytes > 1024)
    {
      cached->gzipped = gzip_bytes (cached->body);
      if (cached->gzipped != NULL && g_bytes_get_size (cached->gzipped) >= n_bytes)
        g_clear_pointer (&cached->gzipped, g_bytes_unref);
    }
  cached->etag = g_strdup_printf ("\"%" G_GSIZE_MODIFIER "x-%" G_GUINT64_FORMAT "\"", n_bytes,
                                  g_file_info_get_attribute_uint64 (info,
                                                                    G_FILE_ATTRIBUTE_TIME_MODIFIED));
  g_task_return_pointer (task, cached, (GDestroyNotify) cached_file_free);
}

/* Headers the pages and files get on top of every answer's (ppd-context):
 * the app runs only its own code and talks only to its own origin. */
void
ppd_static_add_security_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; "
                                "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
                                "connect-src 'self' ws: wss:; img-src 'self' data:; "
                                "font-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'; form-action 'self'");
  soup_message_headers_replace (headers, "Cross-Origin-Opener-Policy", "same-origin");
}

static void
respond (SoupServerMessage *msg,
         const char        *relative,
         const CachedFile  *file)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *if_none_match = soup_message_headers_get_one (request, "If-None-Match");
  gboolean gzip = file->gzipped != NULL &&
                  soup_message_headers_header_contains (request, "Accept-Encoding", "gzip");
  GBytes *body = gzip ? file->gzipped : file->body;

  ppd_static_add_security_headers (msg);
  soup_message_headers_replace (response, "ETag", file->etag);
  soup_message_headers_replace (response, "Vary", "Accept-Encoding");
  soup_message_headers_replace (response, "Cache-Control",
                                g_str_has_prefix (relative, IMMUTABLE_PREFIX)
                                  ? "public, max-age=31536000, immutable"
                                  : "no-cache");

  if (g_strcmp0 (if_none_match, file->etag) == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  if (gzip)
    soup_message_headers_replace (response, "Content-Encoding", "gzip");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (response, file->mime, NULL);
  if (g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_HEAD))
    soup_message_headers_set_content_length (response, g_bytes_get_size (body));
  else
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static void
respond_not_found (SoupServerMessage *msg)
{
  static const char body[] = "Not found\n";

  ppd_static_add_security_headers (msg);
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Load *load = data;
  PpdStatic *self = load->self;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autofree char *key = NULL;
  CachedFile *file = g_task_propagate_pointer (G_TASK (result), NULL);

  g_hash_table_steal_extended (self->loading, load->relative, (gpointer *) &key,
                               (gpointer *) &waiting);
  if (file != NULL)
    g_hash_table_insert (self->cache, g_strdup (load->relative), file);

  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (waiting, i);

      if (file != NULL)
        respond (msg, load->relative, file);
      else
        respond_not_found (msg);
      soup_server_message_unpause (msg);
    }

  load_free (load);
}

/* Maps a URL path to a file under the root: the app's routes to index.html,
 * anything with an empty, dot or dot-dot segment to nothing. */
static char *
resolve (const char *path)
{
  g_auto(GStrv) segments = NULL;

  if (g_str_equal (path, "/") || g_str_equal (path, "/index.html"))
    return g_strdup ("index.html");

  if (g_str_has_prefix (path, "/r/") && strchr (path + 3, '/') == NULL && path[3] != '\0')
    return g_strdup ("index.html");

  segments = g_strsplit (path + 1, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0' || segments[i][0] == '.' || strchr (segments[i], '\\') != NULL)
        return NULL;
    }

  return g_strdup (path + 1);
}

static void
ppd_static_finalize (GObject *object)
{
  PpdStatic *self = (PpdStatic *) object;

  g_free (self->root);
  g_hash_table_unref (self->cache);
  g_hash_table_unref (self->loading);

  G_OBJECT_CLASS (ppd_static_parent_class)->finalize (object);
}

static void
ppd_static_class_init (PpdStaticClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ppd_static_finalize;
}

static void
ppd_static_init (PpdStatic *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) cached_file_free);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
}

PpdStatic *
ppd_static_new (const char *root)
{
  PpdStatic *self = g_object_new (PPD_TYPE_STATIC, NULL);

  self->root = g_strdup (root);
  return self;
}

const char *
ppd_static_get_root (PpdStatic *self)
{
  return self->root;
}

/* The build tree's client when pairpadd runs from its build directory,
 * the installed one otherwise. */
char *
ppd_static_dup_default_root (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/"))
    return g_build_filename (SOURCE_ROOT, "frontend", "dist", NULL);

  return g_build_filename (PKGDATADIR, "web", NULL);
}

void
ppd_static_serve (PpdStatic         *self,
                  SoupServerMessage *msg,
                  const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *relative = NULL;
  CachedFile *file;
  GPtrArray *waiting;
  Load *load;
  GTask *task;

  if (!g_str_equal (method, SOUP_METHOD_GET) && !g_str_equal (method, SOUP_METHOD_HEAD))
    {
      ppd_static_add_security_headers (msg);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  relative = resolve (path);
  if (relative == NULL)
    {
      respond_not_found (msg);
      return;
    }

  if ((file = g_hash_table_lookup (self->cache, relative)) != NULL)
    {
      respond (msg, relative, file);
      return;
    }

  /* Read on a worker; concurrent requests for one file share the read. */
  soup_server_message_pause (msg);
  if ((waiting = g_hash_table_lookup (self->loading, relative)) != NULL)
    {
      g_ptr_array_add (waiting, g_object_ref (msg));
      return;
    }

  waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiting, g_object_ref (msg));
  g_hash_table_insert (self->loading, g_strdup (relative), waiting);

  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->relative = g_steal_pointer (&relative);
  load->absolute = g_build_filename (self->root, load->relative, NULL);
  task = g_task_new (NULL, NULL, on_loaded, load);
  g_task_set_source_tag (task, ppd_static_serve);
  g_task_set_task_data (task, load, NULL);
  g_task_run_in_thread (task, load_file);
  g_object_unref (task);
}
