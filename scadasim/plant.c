/*
 * The process model behind scadasim. The hydraulics run PLANT_TIME_SCALE
 * times faster than the wall clock so a demo visibly moves (valve open,
 * pump off: about 2 %/s); the heater keeps wall-clock time, as its
 * 20 s time constant is already quick enough to watch.
 *
 * Tank 2 is small and its drain valve starts open, so its controller
 * keeps cycling the transfer pump; the pump moves less than tank 1's
 * inlet margin (12 - 9 m3/h), so tank 1 still reaches its setpoint.
 *
 * Clients see the plant only through the Modbus mapping: each step
 * reads the coils and setpoints they may have written, moves the
 * process on, and writes back measurements and whatever the automatic
 * controllers decided.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "plant.h"

static double
plant_clamp(double v, double lo, double hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

/* xorshift32: enough for sensor noise, and the same on every host. */
static uint32_t
plant_random(struct plant *p)
{
	uint32_t x = p->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	p->rng = x;
	return x;
}

/* Uniform in [-1, 1]. */
static double
plant_noise(struct plant *p)
{
	return plant_random(p) / 2147483647.5 - 1.0;
}

static void
plant_measure(struct plant *p)
{
	p->temp_meas = p->temp;
	if (p->noise)
		p->temp_meas += PLANT_TEMP_NOISE * plant_noise(p);
}

/*
 * The controllers act on what they saw at the start of the step, as a
 * PLC acts on its input image. Hysteresis keeps the valve and heater
 * from chattering around the setpoints.
 */
static void
plant_control(struct plant *p)
{
	if (p->level_auto) {
		p->pump = 1;
		if (p->level < p->level_sp - PLANT_LEVEL_BAND)
			p->valve = 1;
		else if (p->level > p->level_sp + PLANT_LEVEL_BAND)
			p->valve = 0;
	}
	if (p->heater_auto) {
		if (p->temp < p->temp_sp - PLANT_TEMP_BAND)
			p->heater = 1;
		else if (p->temp > p->temp_sp + PLANT_TEMP_BAND)
			p->heater = 0;
	}
	/* Tank 1's low switch stops the transfer, so it never runs dry. */
	if (p->level2_auto) {
		if (p->level <= PLANT_LOW_SWITCH ||
		    p->level2 > p->level2_sp + PLANT_LEVEL_BAND)
			p->transfer = 0;
		else if (p->level2 < p->level2_sp - PLANT_LEVEL_BAND)
			p->transfer = 1;
	}
}

static void
plant_flows(struct plant *p)
{
	p->in_flow = p->valve ? PLANT_IN_FLOW : 0.0;
	p->out_flow = p->pump && p->level > 0.0 ? PLANT_OUT_FLOW : 0.0;
	p->transfer_flow = p->transfer && p->level > 0.0 ?
	    PLANT_TRANSFER_FLOW : 0.0;
	p->drain_flow = p->drain && p->level2 > 0.0 ? PLANT_DRAIN_FLOW : 0.0;
}

void
plant_init(struct plant *p, uint32_t seed, int noise)
{
	memset(p, 0, sizeof *p);
	p->level = 50.0;
	p->temp = PLANT_AMBIENT;
	p->level_sp = 50.0;
	p->temp_sp = 45.0;
	p->level_auto = 1;
	p->heater_auto = 1;
	p->level2 = 40.0;
	p->level2_sp = 50.0;
	p->level2_auto = 1;
	p->drain = 1;
	p->noise = noise;
	p->rng = seed != 0 ? seed : 0x9e3779b9;	/* xorshift has no 0 */
	plant_control(p);
	plant_flows(p);
	plant_measure(p);
}

/*
 * The tanks in volume terms, so a step that would drain one below empty
 * pumps out only what was there (shared by the two pumps on tank 1 in
 * proportion), and the outlet total stays honest.
 */
static void
plant_step_level(struct plant *p, double dt)
{
	double hours = dt * PLANT_TIME_SCALE / 3600.0;
	double volume, drained, out, moved;

	volume = p->level / 100.0 * PLANT_VOLUME_M3;
	out = (p->pump && p->level > 0.0 ? PLANT_OUT_FLOW : 0.0) * hours;
	moved = (p->transfer && p->level > 0.0 ? PLANT_TRANSFER_FLOW : 0.0) *
	    hours;
	volume += (p->valve ? PLANT_IN_FLOW : 0.0) * hours;
	drained = out + moved;
	if (drained > volume) {
		moved = moved > 0.0 ? volume * moved / drained : 0.0;
		out = volume - moved;
		drained = volume;
	}
	volume -= drained;
	if (volume > PLANT_VOLUME_M3)
		volume = PLANT_VOLUME_M3;	/* the overflow spills */
	p->total += out;
	p->level = plant_clamp(volume / PLANT_VOLUME_M3 * 100.0, 0.0, 100.0);

	volume = p->level2 / 100.0 * PLANT_VOLUME2_M3 + moved;
	drained = (p->drain && p->level2 > 0.0 ? PLANT_DRAIN_FLOW : 0.0) *
	    hours;
	if (drained > volume)
		drained = volume;
	volume -= drained;
	if (volume > PLANT_VOLUME2_M3)
		volume = PLANT_VOLUME2_M3;
	p->level2 = plant_clamp(volume / PLANT_VOLUME2_M3 * 100.0, 0.0,
	    100.0);
}

/* First order towards the heater's end temperature, exact for any dt. */
static void
plant_step_temp(struct plant *p, double dt)
{
	double target = p->heater ? PLANT_HEATER_MAX : PLANT_AMBIENT;

	p->temp += (target - p->temp) * (1.0 - exp(-dt / PLANT_TEMP_TAU));
}

void
plant_step(struct plant *p, double dt)
{
	if (!(dt > 0.0))
		return;
	plant_control(p);
	plant_step_level(p, dt);
	plant_step_temp(p, dt);
	plant_flows(p);
	plant_measure(p);
}

static int
plant_int16(uint16_t r)
{
	return r >= 0x8000 ? (int)r - 0x10000 : (int)r;
}

static uint16_t
plant_reg(double v, double lo, double hi)
{
	long n = lround(plant_clamp(v, lo, hi));

	return (uint16_t)(n & 0xffff);
}

/*
 * Setpoints are taken as the client wrote them and clamped only here,
 * where the plant uses them: range checks belong to scadad.
 */
void
plant_read_map(struct plant *p, const modbus_mapping_t *m)
{
	p->valve = m->tab_bits[PLANT_CO_VALVE] != 0;
	p->pump = m->tab_bits[PLANT_CO_PUMP] != 0;
	p->level_auto = m->tab_bits[PLANT_CO_LEVEL_AUTO] != 0;
	p->heater = m->tab_bits[PLANT_CO_HEATER] != 0;
	p->heater_auto = m->tab_bits[PLANT_CO_HEATER_AUTO] != 0;
	p->level_sp = plant_clamp(m->tab_registers[PLANT_HR_LEVEL_SP],
	    0, 10000) / 100.0;
	p->temp_sp = plant_clamp(
	    plant_int16(m->tab_registers[PLANT_HR_TEMP_SP]), 0, 1000) / 10.0;
	p->transfer = m->tab_bits[PLANT_CO_TRANSFER] != 0;
	p->drain = m->tab_bits[PLANT_CO_DRAIN] != 0;
	p->level2_auto = m->tab_bits[PLANT_CO_LEVEL2_AUTO] != 0;
	p->level2_sp = plant_clamp(m->tab_registers[PLANT_HR_LEVEL2_SP],
	    0, 10000) / 100.0;
}

/* Everything the plant owns; the setpoint registers stay the client's. */
void
plant_write_map(const struct plant *p, modbus_mapping_t *m)
{
	float total = (float)p->total;
	uint32_t bits;

	m->tab_bits[PLANT_CO_VALVE] = p->valve != 0;
	m->tab_bits[PLANT_CO_PUMP] = p->pump != 0;
	m->tab_bits[PLANT_CO_LEVEL_AUTO] = p->level_auto != 0;
	m->tab_bits[PLANT_CO_HEATER] = p->heater != 0;
	m->tab_bits[PLANT_CO_HEATER_AUTO] = p->heater_auto != 0;
	m->tab_bits[PLANT_CO_TRANSFER] = p->transfer != 0;
	m->tab_bits[PLANT_CO_DRAIN] = p->drain != 0;
	m->tab_bits[PLANT_CO_LEVEL2_AUTO] = p->level2_auto != 0;

	m->tab_input_bits[PLANT_DI_HIGH] = p->level >= PLANT_HIGH_SWITCH;
	m->tab_input_bits[PLANT_DI_LOW] = p->level <= PLANT_LOW_SWITCH;
	m->tab_input_bits[PLANT_DI_HIGH2] = p->level2 >= PLANT_HIGH_SWITCH;
	m->tab_input_bits[PLANT_DI_LOW2] = p->level2 <= PLANT_LOW_SWITCH;

	m->tab_input_registers[PLANT_IR_LEVEL] =
	    plant_reg(p->level * 100.0, 0, 10000);
	m->tab_input_registers[PLANT_IR_TEMP] =
	    plant_reg(p->temp_meas * 10.0, -32768, 32767);
	m->tab_input_registers[PLANT_IR_OUT_FLOW] =
	    plant_reg(p->out_flow * 100.0, 0, 65535);
	m->tab_input_registers[PLANT_IR_IN_FLOW] =
	    plant_reg(p->in_flow * 100.0, 0, 65535);
	m->tab_input_registers[PLANT_IR_LEVEL2] =
	    plant_reg(p->level2 * 100.0, 0, 10000);
	m->tab_input_registers[PLANT_IR_TRANSFER_FLOW] =
	    plant_reg(p->transfer_flow * 100.0, 0, 65535);
	m->tab_input_registers[PLANT_IR_DRAIN_FLOW] =
	    plant_reg(p->drain_flow * 100.0, 0, 65535);

	/* ABCD: the high half of the IEEE 754 word in the lower address. */
	memcpy(&bits, &total, sizeof bits);
	m->tab_registers[PLANT_HR_TOTAL_HI] = (uint16_t)(bits >> 16);
	m->tab_registers[PLANT_HR_TOTAL_LO] = (uint16_t)(bits & 0xffff);
}

/* A mapping holding the plant's initial image, setpoints included. */
modbus_mapping_t *
plant_mapping_new(const struct plant *p)
{
	modbus_mapping_t *m;

	m = modbus_mapping_new(PLANT_NCOILS, PLANT_NDISCRETES,
	    PLANT_NHOLDINGS, PLANT_NINPUTS);
	if (m == NULL)
		return NULL;
	m->tab_registers[PLANT_HR_LEVEL_SP] =
	    plant_reg(p->level_sp * 100.0, 0, 10000);
	m->tab_registers[PLANT_HR_TEMP_SP] =
	    plant_reg(p->temp_sp * 10.0, -32768, 32767);
	m->tab_registers[PLANT_HR_LEVEL2_SP] =
	    plant_reg(p->level2_sp * 100.0, 0, 10000);
	plant_write_map(p, m);
	return m;
}

/*
 * Selftest, which doubles as an example: drive the plant through the
 * mapping exactly as the simulator does.
 */
static void
plant_run(struct plant *p, modbus_mapping_t *m, double seconds)
{
	int i, n = (int)lround(seconds / 0.1);

	for (i = 0; i < n; i++) {
		plant_read_map(p, m);
		plant_step(p, 0.1);
		plant_write_map(p, m);
	}
}

static double
plant_total_from_map(const modbus_mapping_t *m)
{
	uint32_t bits = (uint32_t)m->tab_registers[PLANT_HR_TOTAL_HI] << 16 |
	    m->tab_registers[PLANT_HR_TOTAL_LO];
	float f;

	memcpy(&f, &bits, sizeof f);
	return f;
}

#define NEAR(a, b, eps)	(fabs((double)(a) - (double)(b)) <= (eps))

static void
plant_manual(modbus_mapping_t *m, int valve, int pump, int transfer,
    int drain)
{
	m->tab_bits[PLANT_CO_LEVEL_AUTO] = 0;
	m->tab_bits[PLANT_CO_LEVEL2_AUTO] = 0;
	m->tab_bits[PLANT_CO_VALVE] = valve;
	m->tab_bits[PLANT_CO_PUMP] = pump;
	m->tab_bits[PLANT_CO_TRANSFER] = transfer;
	m->tab_bits[PLANT_CO_DRAIN] = drain;
}

static void
plant_selftest_tank2(void)
{
	struct plant p;
	modbus_mapping_t *m;
	double lo1, hi1, lo2, hi2, before, before2, gone;
	int i, starts, was;

	/* Left alone, both tanks keep cycling about their setpoints. */
	plant_init(&p, 1, 0);
	m = plant_mapping_new(&p);
	CHECK(m != NULL);
	plant_run(&p, m, 300.0);
	lo1 = lo2 = 100.0;
	hi1 = hi2 = 0.0;
	starts = 0;
	was = p.transfer;
	for (i = 0; i < 600; i++) {
		plant_run(&p, m, 0.1);
		lo1 = fmin(lo1, p.level);
		hi1 = fmax(hi1, p.level);
		lo2 = fmin(lo2, p.level2);
		hi2 = fmax(hi2, p.level2);
		if (p.transfer && !was)
			starts++;
		was = p.transfer;
	}
	CHECK(lo1 >= 50.0 - PLANT_LEVEL_BAND - 0.3 &&
	    hi1 <= 50.0 + PLANT_LEVEL_BAND + 0.3 && hi1 - lo1 >= 2.0);
	CHECK(lo2 >= 50.0 - PLANT_LEVEL_BAND - 0.3 &&
	    hi2 <= 50.0 + PLANT_LEVEL_BAND + 0.3 && hi2 - lo2 >= 3.0);
	CHECK(starts >= 4);		/* a period of about 10 s */

	/* By hand: the transfer moves 2 m3/h, 1/3 %/s of tank 1 ... */
	plant_manual(m, 0, 0, 1, 0);
	plant_run(&p, m, 0.1);
	before = p.level;
	before2 = p.level2;
	plant_run(&p, m, 1.0);
	CHECK(NEAR(before - p.level, 1.0 / 3.0, 1e-6));
	CHECK(NEAR(p.level2 - before2, 5.0 / 3.0, 1e-6));
	CHECK(m->tab_input_registers[PLANT_IR_TRANSFER_FLOW] == 200);
	CHECK(m->tab_input_registers[PLANT_IR_DRAIN_FLOW] == 0);

	/* ... the drain 1 m3/h, 5/6 %/s of tank 2, */
	plant_manual(m, 0, 0, 0, 1);
	plant_run(&p, m, 0.1);
	before2 = p.level2;
	plant_run(&p, m, 1.2);
	CHECK(NEAR(before2 - p.level2, 1.0, 1e-6));
	CHECK(m->tab_input_registers[PLANT_IR_DRAIN_FLOW] == 100);
	CHECK(m->tab_input_registers[PLANT_IR_TRANSFER_FLOW] == 0);

	/* ... and tank 2 overflows, switches and all, like tank 1. */
	plant_manual(m, 1, 0, 1, 0);
	plant_run(&p, m, 60.0);
	CHECK(p.level2 == 100.0);
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL2] == 10000);
	CHECK(m->tab_input_bits[PLANT_DI_HIGH2] == 1);
	plant_manual(m, 0, 0, 0, 1);
	plant_run(&p, m, 130.0);
	CHECK(p.level2 == 0.0);
	CHECK(m->tab_input_bits[PLANT_DI_LOW2] == 1);
	CHECK(m->tab_input_registers[PLANT_IR_DRAIN_FLOW] == 0);

	/* Automatic, the transfer stops when tank 1 reaches its low switch. */
	plant_manual(m, 0, 1, 0, 0);
	m->tab_bits[PLANT_CO_LEVEL2_AUTO] = 1;
	m->tab_registers[PLANT_HR_LEVEL2_SP] = 9500;
	for (i = 0; i < 1000 && p.level > PLANT_LOW_SWITCH; i++) {
		plant_run(&p, m, 0.1);
		CHECK(p.level <= PLANT_LOW_SWITCH ||
		    m->tab_bits[PLANT_CO_TRANSFER] == 1);
	}
	CHECK(p.level <= PLANT_LOW_SWITCH);
	plant_run(&p, m, 0.1);
	CHECK(m->tab_bits[PLANT_CO_TRANSFER] == 0);
	CHECK(p.level2 < 93.0);	/* it would run, but for tank 1 */

	/*
	 * Tank 1 running dry shares what is left between its two pumps in
	 * proportion (9 : 2), and loses nothing on the way.
	 */
	plant_manual(m, 0, 1, 1, 0);
	plant_read_map(&p, m);
	p.level = 0.5;			/* 0.05 m3 */
	before = p.total;
	before2 = p.level2;
	plant_step(&p, 1.0);		/* would want 0.15 + 0.033 m3 */
	CHECK(p.level == 0.0);
	gone = (p.total - before) + (p.level2 - before2) / 100.0 *
	    PLANT_VOLUME2_M3;
	CHECK(NEAR(gone, 0.05, 1e-9));
	CHECK(NEAR((p.total - before) / ((p.level2 - before2) / 100.0 *
	    PLANT_VOLUME2_M3), PLANT_OUT_FLOW / PLANT_TRANSFER_FLOW, 1e-6));
	CHECK(p.transfer_flow == 0.0 && p.out_flow == 0.0);

	/* The tank 2 setpoint is used clamped, and kept as written. */
	m->tab_registers[PLANT_HR_LEVEL2_SP] = 20000;
	plant_run(&p, m, 0.1);
	CHECK(p.level2_sp == 100.0);
	CHECK(m->tab_registers[PLANT_HR_LEVEL2_SP] == 20000);
	modbus_mapping_free(m);
}

void
plant_selftest(void)
{
	struct plant p, q;
	modbus_mapping_t *m;
	double lo, hi, before;
	int i;

	printf(" * plant: ");

	/* The initial image: a demo that moves on its own. */
	plant_init(&p, 1, 0);
	m = plant_mapping_new(&p);
	CHECK(m != NULL);
	CHECK(m->nb_bits == PLANT_NCOILS);
	CHECK(m->nb_input_bits == PLANT_NDISCRETES);
	CHECK(m->nb_input_registers == PLANT_NINPUTS);
	CHECK(m->nb_registers == PLANT_NHOLDINGS);
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL] == 5000);
	CHECK(m->tab_input_registers[PLANT_IR_TEMP] == 200);
	CHECK(m->tab_registers[PLANT_HR_LEVEL_SP] == 5000);
	CHECK(m->tab_registers[PLANT_HR_TEMP_SP] == 450);
	CHECK(m->tab_bits[PLANT_CO_LEVEL_AUTO] == 1);
	CHECK(m->tab_bits[PLANT_CO_HEATER_AUTO] == 1);
	CHECK(m->tab_bits[PLANT_CO_PUMP] == 1);
	CHECK(m->tab_bits[PLANT_CO_HEATER] == 1);
	CHECK(m->tab_input_registers[PLANT_IR_OUT_FLOW] == 900);
	CHECK(plant_total_from_map(m) == 0.0f);
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL2] == 4000);
	CHECK(m->tab_registers[PLANT_HR_LEVEL2_SP] == 5000);
	CHECK(m->tab_bits[PLANT_CO_LEVEL2_AUTO] == 1);
	CHECK(m->tab_bits[PLANT_CO_DRAIN] == 1);
	CHECK(m->tab_bits[PLANT_CO_TRANSFER] == 1);	/* 40 < 50 - 2 */
	CHECK(m->tab_input_registers[PLANT_IR_TRANSFER_FLOW] == 200);
	CHECK(m->tab_input_registers[PLANT_IR_DRAIN_FLOW] == 100);
	CHECK(m->tab_input_bits[PLANT_DI_HIGH2] == 0);
	CHECK(m->tab_input_bits[PLANT_DI_LOW2] == 0);

	/* Manual, tank 2 out of the way: valve open, pump off rises 2 %/s. */
	m->tab_bits[PLANT_CO_LEVEL2_AUTO] = 0;
	m->tab_bits[PLANT_CO_TRANSFER] = 0;
	m->tab_bits[PLANT_CO_LEVEL_AUTO] = 0;
	m->tab_bits[PLANT_CO_HEATER_AUTO] = 0;
	m->tab_bits[PLANT_CO_VALVE] = 1;
	m->tab_bits[PLANT_CO_PUMP] = 0;
	plant_run(&p, m, 1.0);
	CHECK(NEAR(p.level, 52.0, 1e-6));
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL] == 5200);
	CHECK(m->tab_input_registers[PLANT_IR_IN_FLOW] == 1200);
	CHECK(m->tab_input_registers[PLANT_IR_OUT_FLOW] == 0);
	CHECK(m->tab_bits[PLANT_CO_VALVE] == 1);

	/* Pump only falls 1.5 %/s and pumps 0.15 m3 per second. */
	m->tab_bits[PLANT_CO_VALVE] = 0;
	m->tab_bits[PLANT_CO_PUMP] = 1;
	plant_run(&p, m, 2.0);
	CHECK(NEAR(p.level, 49.0, 1e-6));
	CHECK(m->tab_input_registers[PLANT_IR_OUT_FLOW] == 900);
	CHECK(m->tab_input_registers[PLANT_IR_IN_FLOW] == 0);
	CHECK(NEAR(plant_total_from_map(m), 0.3, 1e-6));

	/* Both: a net 3 m3/h is 0.5 %/s. */
	m->tab_bits[PLANT_CO_VALVE] = 1;
	plant_run(&p, m, 2.0);
	CHECK(NEAR(p.level, 50.0, 1e-6));

	/* Clamps at full, with the high switch. */
	m->tab_bits[PLANT_CO_PUMP] = 0;
	plant_run(&p, m, 60.0);
	CHECK(p.level == 100.0);
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL] == 10000);
	CHECK(m->tab_input_bits[PLANT_DI_HIGH] == 1);
	CHECK(m->tab_input_bits[PLANT_DI_LOW] == 0);

	/* Clamps at empty, with the low switch; a dry pump moves nothing. */
	m->tab_bits[PLANT_CO_VALVE] = 0;
	m->tab_bits[PLANT_CO_PUMP] = 1;
	plant_run(&p, m, 30.0);
	CHECK(p.level > 10.0 && p.level < 90.0);
	CHECK(m->tab_input_bits[PLANT_DI_HIGH] == 0);
	CHECK(m->tab_input_bits[PLANT_DI_LOW] == 0);
	plant_run(&p, m, 60.0);
	CHECK(p.level == 0.0);
	CHECK(m->tab_input_registers[PLANT_IR_LEVEL] == 0);
	CHECK(m->tab_input_registers[PLANT_IR_OUT_FLOW] == 0);
	CHECK(m->tab_input_bits[PLANT_DI_LOW] == 1);
	before = plant_total_from_map(m);
	plant_run(&p, m, 5.0);
	CHECK(plant_total_from_map(m) == before);

	/* Automatic level control converges on a setpoint it was given. */
	m->tab_registers[PLANT_HR_LEVEL_SP] = 3000;
	m->tab_bits[PLANT_CO_LEVEL_AUTO] = 1;
	m->tab_bits[PLANT_CO_PUMP] = 0;
	plant_run(&p, m, 90.0);
	CHECK(m->tab_bits[PLANT_CO_PUMP] == 1);
	lo = 100.0;
	hi = 0.0;
	for (i = 0; i < 600; i++) {
		plant_run(&p, m, 0.1);
		if (p.level < lo)
			lo = p.level;
		if (p.level > hi)
			hi = p.level;
	}
	CHECK(lo >= 30.0 - PLANT_LEVEL_BAND - 0.2);
	CHECK(hi <= 30.0 + PLANT_LEVEL_BAND + 0.2);
	CHECK(hi - lo >= PLANT_LEVEL_BAND);	/* it does cycle */

	/* ... and overrides a client that opens the valve above the band. */
	m->tab_registers[PLANT_HR_LEVEL_SP] = 1000;
	plant_run(&p, m, 0.1);
	m->tab_bits[PLANT_CO_VALVE] = 1;
	plant_run(&p, m, 0.1);
	CHECK(m->tab_bits[PLANT_CO_VALVE] == 0);

	/* An out-of-range setpoint stays as written but is used clamped. */
	m->tab_registers[PLANT_HR_LEVEL_SP] = 65535;
	plant_run(&p, m, 160.0);
	CHECK(m->tab_registers[PLANT_HR_LEVEL_SP] == 65535);
	CHECK(p.level_sp == 100.0);
	CHECK(p.level > 97.0);
	m->tab_registers[PLANT_HR_TEMP_SP] = 0x8000;	/* -3276.8 degC */
	plant_read_map(&p, m);
	CHECK(p.temp_sp == 0.0);

	/* Heater by hand: five time constants take it to within 1 %. */
	m->tab_bits[PLANT_CO_HEATER_AUTO] = 0;
	m->tab_bits[PLANT_CO_HEATER] = 1;
	plant_run(&p, m, 5 * PLANT_TEMP_TAU);
	CHECK(p.temp > PLANT_HEATER_MAX - 0.01 * (PLANT_HEATER_MAX -
	    PLANT_AMBIENT) && p.temp < PLANT_HEATER_MAX);
	before = p.temp;
	m->tab_bits[PLANT_CO_HEATER] = 0;
	plant_run(&p, m, PLANT_TEMP_TAU);
	CHECK(NEAR(p.temp - PLANT_AMBIENT, (before - PLANT_AMBIENT) *
	    exp(-1.0), 1e-6));

	/* The thermostat holds the temperature setpoint. */
	m->tab_registers[PLANT_HR_TEMP_SP] = 600;
	m->tab_bits[PLANT_CO_HEATER_AUTO] = 1;
	plant_run(&p, m, 60.0);
	lo = 100.0;
	hi = 0.0;
	for (i = 0; i < 600; i++) {
		plant_run(&p, m, 0.1);
		if (p.temp < lo)
			lo = p.temp;
		if (p.temp > hi)
			hi = p.temp;
	}
	CHECK(lo >= 60.0 - PLANT_TEMP_BAND - 0.25);
	CHECK(hi <= 60.0 + PLANT_TEMP_BAND + 0.25);
	CHECK(hi - lo >= 2 * PLANT_TEMP_BAND);
	CHECK(m->tab_input_registers[PLANT_IR_TEMP] >= 593 &&
	    m->tab_input_registers[PLANT_IR_TEMP] <= 607);

	/* The float is ABCD: 1.5f is 0x3fc00000. */
	p.total = 1.5;
	plant_write_map(&p, m);
	CHECK(m->tab_registers[PLANT_HR_TOTAL_HI] == 0x3fc0);
	CHECK(m->tab_registers[PLANT_HR_TOTAL_LO] == 0x0000);
	modbus_mapping_free(m);

	/* Noise stays within its band and repeats for a seed. */
	plant_init(&p, 42, 1);
	plant_init(&q, 42, 1);
	lo = 0.0;
	hi = 0.0;
	for (i = 0; i < 1000; i++) {
		plant_step(&p, 0.1);
		plant_step(&q, 0.1);
		CHECK(p.temp_meas == q.temp_meas);
		CHECK(fabs(p.temp_meas - p.temp) <= PLANT_TEMP_NOISE);
		if (p.temp_meas - p.temp < lo)
			lo = p.temp_meas - p.temp;
		if (p.temp_meas - p.temp > hi)
			hi = p.temp_meas - p.temp;
	}
	CHECK(lo < -0.05 && hi > 0.05);
	plant_init(&p, 42, 0);
	plant_step(&p, 0.1);
	CHECK(p.temp_meas == p.temp);

	/* A step of nothing (or a clock gone backwards) changes nothing. */
	memcpy(&q, &p, sizeof q);
	plant_step(&p, 0.0);
	plant_step(&p, -1.0);
	CHECK(memcmp(&p, &q, sizeof p) == 0);

	plant_selftest_tank2();
	printf("OK\n");
}
