/*
 * A driver for the driver kit's tests: it drives no device, but fills its
 * DMA buffer with the byte a client asks for and answers where the buffer
 * is, as a device would have to find it.
 */
#include <kaal/driver.h>

#include "programs.h"

static kaal_status dma_init(struct kaal_driver_context *ctx)
{
	return ctx->dma.size == DMA_TEST_BYTES ? KAAL_OK : KAAL_INVALID_ARGUMENT;
}

static void dma_interrupt(struct kaal_driver_context *ctx)
{
	(void)ctx;
}

static bool dma_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                        void *reply)
{
	(void)client;
	const uint64_t *fill = request;
	uint64_t *answer = reply;
	for (uint32_t i = 0; i < ctx->dma.size; i++)
		ctx->dma.bytes[i] = (uint8_t)*fill;
	answer[0] = ctx->dma.phys;
	answer[1] = ctx->dma.size;
	return true;
}

static int dma_driver_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {dma_init, dma_interrupt, dma_request};
	return kaal_driver_main(&dma_test_driver, si, &ops, NULL);
}

KAAL_PROGRAM(dma_driver, dma_driver_main)
