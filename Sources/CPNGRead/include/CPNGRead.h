#ifndef CPNGREAD_H
#define CPNGREAD_H
#include <stddef.h>
#include <stdint.h>

/* PNG reading through libpng's full API, with the stored sample values: no gamma or colour
   transform (the simplified png_image API converts gamma-tagged and 16-bit images). libpng
   reports errors by longjmp, which Swift cannot catch, so the setjmp lives here in C and
   every error comes back as a return code with libpng's message. */

typedef struct {
    uint32_t width, height;
    int channels;    /* after expansion: 1 gray, 3 RGB, 4 RGBA (gray+alpha becomes RGBA) */
    int bitDepth;    /* 8 or 16 (1, 2 and 4-bit gray and palettes are expanded to 8) */
    char message[256];
} cnn_png_info;

/* Reads the header only; 0 on success, -1 with info->message set otherwise. */
int cnn_png_read_header(const uint8_t *data, size_t size, cnn_png_info *info);

/* Decodes every pixel into out (width * height * channels samples, row-major, channels
   interleaved, at the header's bit depth), as stored. `capacity` is out's length in samples;
   0 on success, -1 with info->message set otherwise. */
int cnn_png_decode(const uint8_t *data, size_t size, uint16_t *out, size_t capacity, cnn_png_info *info);

#endif
