/*
 * The generic timer's physical timer as a driver reaches it: a bank of
 * 32-bit registers (kaal/mmio.h) rather than system registers, so the same
 * timer driver runs against the hardware on aarch64 (EL0 may use the
 * physical timer: the kernel keeps the virtual one for itself) and against
 * a model on the host. 64-bit values are read high, low, high again until
 * the high halves agree, and written low then high: writing the high half
 * writes the whole compare value.
 */
#ifndef KAAL_GENERIC_TIMER_H
#define KAAL_GENERIC_TIMER_H

#include <stdint.h>

#include <kaal/mmio.h>

#define KAAL_GTIMER_COUNT_LO   0x00u /* CNTPCT_EL0, read only */
#define KAAL_GTIMER_COUNT_HI   0x04u
#define KAAL_GTIMER_COMPARE_LO 0x08u /* CNTP_CVAL_EL0 */
#define KAAL_GTIMER_COMPARE_HI 0x0Cu
#define KAAL_GTIMER_CONTROL    0x10u /* CNTP_CTL_EL0 */
#define KAAL_GTIMER_FREQUENCY  0x14u /* CNTFRQ_EL0, read only */
#define KAAL_GTIMER_REGS       0x18u

#define KAAL_GTIMER_ENABLE  (1u << 0)
#define KAAL_GTIMER_IMASK   (1u << 1)
#define KAAL_GTIMER_ISTATUS (1u << 2) /* read only: the compare was reached */

/*
 * Registers of a device the platform reaches without a frame: on aarch64
 * the physical timer's system registers for KAAL_DEVICE_TIMER; NULL for
 * every other device and on the host (where a test gives a model).
 */
const struct kaal_mmio_model *kaal_system_registers(uint32_t device);

#endif
