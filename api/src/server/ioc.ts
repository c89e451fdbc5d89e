import type { IocContainer, IocContainerFactory } from '@tsoa/runtime';
import type { Request } from 'express';
import { type Services, servicesOf } from './services.js';

type ControllerClass = new (services: Services) => unknown;

/** tsoa builds each controller with the services of the app that received the request. */
export const iocContainer: IocContainerFactory<Request> = (req: Request): IocContainer => {
  const services = servicesOf(req);
  return {
    get: ((controller: unknown) => new (controller as ControllerClass)(services)) as IocContainer['get'],
  };
};
