#include "CPNGRead.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size, at;
    cnn_png_info *info;
} reader;

static void on_error(png_structp png, png_const_charp message) {
    reader *r = (reader *)png_get_error_ptr(png);
    snprintf(r->info->message, sizeof r->info->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void on_read(png_structp png, png_bytep out, size_t n) {
    reader *r = (reader *)png_get_io_ptr(png);
    if (n > r->size - r->at) png_error(png, "the file is cut off");
    memcpy(out, r->data + r->at, n);
    r->at += n;
}

/* Sets up the expansions (palette and low-bit gray to 8 bits, tRNS to alpha, gray+alpha to
   RGBA, 16-bit samples in host order) and fills info; no gamma handling is requested. */
static void configure(png_structp png, png_infop pi, cnn_png_info *info) {
    png_read_info(png, pi);
    int color = png_get_color_type(png, pi);
    int depth = png_get_bit_depth(png, pi);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    int alpha = (color & PNG_COLOR_MASK_ALPHA) != 0;
    if (png_get_valid(png, pi, PNG_INFO_tRNS)) { png_set_tRNS_to_alpha(png); alpha = 1; }
    if (alpha && !(color & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(png);
    if (depth == 16) png_set_swap(png);  /* PNG stores big-endian; the samples are read as host uint16 (little-endian x86) */
    png_set_interlace_handling(png);
    png_read_update_info(png, pi);
    info->width = png_get_image_width(png, pi);
    info->height = png_get_image_height(png, pi);
    info->channels = png_get_channels(png, pi);
    info->bitDepth = png_get_bit_depth(png, pi);
}

static int run(const uint8_t *data, size_t size, uint16_t *out, size_t capacity, cnn_png_info *info) {
    memset(info, 0, sizeof *info);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(info->message, sizeof info->message, "not a PNG signature");
        return -1;
    }
    reader r = { data, size, 0, info };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, on_error, on_warning);
    if (!png) { snprintf(info->message, sizeof info->message, "libpng could not start"); return -1; }
    png_infop pi = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    uint8_t *volatile buffer = NULL;
    if (!pi || setjmp(png_jmpbuf(png))) {
        if (info->message[0] == 0) snprintf(info->message, sizeof info->message, "libpng failed");
        free(rows);
        free(buffer);
        png_destroy_read_struct(&png, pi ? &pi : NULL, NULL);
        return -1;
    }
    /* Chunk sizes are bounded (a hostile iCCP or zTXt cannot ask for much); images up to the
       budget the caller checks between the header and the decode. */
    png_set_chunk_malloc_max(png, 8u << 20);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    png_set_read_fn(png, &r, on_read);
    configure(png, pi, info);
    if (out) {
        if (info->channels != 1 && info->channels != 3 && info->channels != 4) png_error(png, "unexpected channel count");
        size_t w = info->width, h = info->height, c = (size_t)info->channels;
        if (w == 0 || h == 0 || w * h * c > capacity) png_error(png, "the image is larger than the buffer");
        size_t bytesPerSample = info->bitDepth == 16 ? 2 : 1;
        size_t rowBytes = png_get_rowbytes(png, pi);
        if (rowBytes != w * c * bytesPerSample) png_error(png, "unexpected row size");
        buffer = malloc(rowBytes * h);
        rows = malloc(sizeof(png_bytep) * h);
        if (!buffer || !rows) png_error(png, "out of memory");
        for (size_t y = 0; y < h; y++) rows[y] = buffer + y * rowBytes;
        png_read_image(png, rows);
        png_read_end(png, NULL);
        for (size_t i = 0; i < w * h * c; i++) {
            out[i] = bytesPerSample == 2 ? ((uint16_t *)buffer)[i] : buffer[i];
        }
    }
    free(rows);
    free(buffer);
    png_destroy_read_struct(&png, &pi, NULL);
    return 0;
}

int cnn_png_read_header(const uint8_t *data, size_t size, cnn_png_info *info) {
    return run(data, size, NULL, 0, info);
}

int cnn_png_decode(const uint8_t *data, size_t size, uint16_t *out, size_t capacity, cnn_png_info *info) {
    return run(data, size, out, capacity, info);
}
