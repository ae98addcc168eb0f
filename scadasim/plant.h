/*
 * The demo plant: tank 1 with an inlet valve, an outlet pump and a
 * heater, and tank 2, fed from tank 1 by a transfer pump and emptied
 * through a drain valve. Pure functions over a state struct; no I/O, no
 * clock, so the model is the same in the simulator and in its selftest.
 */
#ifndef SCADASIM_PLANT_H
#define SCADASIM_PLANT_H

#include <stdint.h>
#include <modbus.h>

/* Register map (0-based addresses), as documented in scadasim(1). */
enum {
	PLANT_CO_VALVE = 0,		/* tank1 inlet valve open */
	PLANT_CO_PUMP,			/* tank1 outlet pump run */
	PLANT_CO_LEVEL_AUTO,		/* automatic level control on */
	PLANT_CO_HEATER,		/* heater on */
	PLANT_CO_HEATER_AUTO,		/* heater thermostat on */
	PLANT_CO_TRANSFER,		/* transfer pump tank1 -> tank2 run */
	PLANT_CO_DRAIN,			/* tank2 drain valve open */
	PLANT_CO_LEVEL2_AUTO,		/* tank2 automatic level control on */
	PLANT_NCOILS
};
enum {
	PLANT_DI_HIGH = 0,		/* level >= 90 % */
	PLANT_DI_LOW,			/* level <= 10 % */
	PLANT_DI_HIGH2,			/* tank2 level >= 90 % */
	PLANT_DI_LOW2,			/* tank2 level <= 10 % */
	PLANT_NDISCRETES
};
enum {
	PLANT_IR_LEVEL = 0,		/* uint16, 0.01 % */
	PLANT_IR_TEMP,			/* int16, 0.1 degC */
	PLANT_IR_OUT_FLOW,		/* uint16, 0.01 m3/h */
	PLANT_IR_IN_FLOW,		/* uint16, 0.01 m3/h */
	PLANT_IR_LEVEL2,		/* uint16, 0.01 % */
	PLANT_IR_TRANSFER_FLOW,		/* uint16, 0.01 m3/h */
	PLANT_IR_DRAIN_FLOW,		/* uint16, 0.01 m3/h */
	PLANT_NINPUTS
};
enum {
	PLANT_HR_LEVEL_SP = 0,		/* uint16, 0.01 % */
	PLANT_HR_TEMP_SP,		/* int16, 0.1 degC */
	PLANT_HR_TOTAL_HI,		/* float32 m3, ABCD: high word */
	PLANT_HR_TOTAL_LO,		/* ... low word */
	PLANT_HR_LEVEL2_SP,		/* uint16, 0.01 % */
	PLANT_NHOLDINGS
};

#define PLANT_VOLUME_M3		10.0	/* tank capacity */
#define PLANT_IN_FLOW		12.0	/* m3/h with the valve open */
#define PLANT_OUT_FLOW		9.0	/* m3/h with the pump running */
#define PLANT_TIME_SCALE	60.0	/* plant s per wall s */
#define PLANT_LEVEL_BAND	2.0	/* %, either side of setpoint */
#define PLANT_HIGH_SWITCH	90.0	/* % */
#define PLANT_LOW_SWITCH	10.0	/* % */
#define PLANT_AMBIENT		20.0	/* degC */
#define PLANT_HEATER_MAX	95.0	/* degC the heater settles at */
#define PLANT_TEMP_TAU		20.0	/* s, wall clock */
#define PLANT_TEMP_BAND		0.5	/* degC, either side */
#define PLANT_TEMP_NOISE	0.1	/* degC, peak */
#define PLANT_VOLUME2_M3	2.0	/* tank2 capacity */
#define PLANT_TRANSFER_FLOW	2.0	/* m3/h, tank1 -> tank2 */
#define PLANT_DRAIN_FLOW	1.0	/* m3/h out of tank2 when open */

struct plant {
	/* process state */
	double		level;		/* % */
	double		temp;		/* degC, true value */
	double		temp_meas;	/* degC, as the sensor says */
	double		total;		/* m3 pumped out */
	double		in_flow;	/* m3/h */
	double		out_flow;	/* m3/h */
	double		level2;		/* % */
	double		transfer_flow;	/* m3/h */
	double		drain_flow;	/* m3/h */

	/* actuators and modes, mirrored in the coils */
	int		valve;
	int		pump;
	int		level_auto;
	int		heater;
	int		heater_auto;
	int		transfer;
	int		drain;
	int		level2_auto;

	/* setpoints, clamped copies of the holding registers */
	double		level_sp;	/* % */
	double		temp_sp;	/* degC */
	double		level2_sp;	/* % */

	int		noise;
	uint32_t	rng;
};

void		 plant_init(struct plant *, uint32_t, int);
modbus_mapping_t *plant_mapping_new(const struct plant *);
void		 plant_read_map(struct plant *, const modbus_mapping_t *);
void		 plant_step(struct plant *, double);
void		 plant_write_map(const struct plant *, modbus_mapping_t *);
void		 plant_selftest(void);

#endif
